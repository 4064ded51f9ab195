import { ISTIO_LABELS } from './istioLabels';

/**
 * What {@link resolveInjection} decides from.
 *
 * @public
 */
export interface InjectionInput {
  namespaceLabels: Readonly<Record<string, string>>;
  /** A pod's (or a pod template's) labels; absent to resolve for the namespace as a whole. */
  podLabels?: Readonly<Record<string, string>>;
  /** Revision tags in the cluster and the revision each points at (undefined: points at none). */
  tags: ReadonlyMap<string, string | undefined>;
  /** Revisions whose control plane exists. */
  revisions: ReadonlySet<string>;
}

/**
 * How a namespace (or a pod in it) gets its sidecar.
 *
 * @public
 */
export type InjectionMode =
  | 'legacy'
  | 'revision'
  | 'tag'
  | 'ambient'
  | 'disabled'
  | 'none';

/**
 * The outcome of {@link resolveInjection}.
 *
 * @public
 */
export interface InjectionResolution {
  mode: InjectionMode;
  /** The revision new pods are injected by; absent when they get no sidecar. */
  desiredRevision?: string;
  /** The tag that decided the revision (`default` for legacy injection through the default tag). */
  tag?: string;
  /** Whether new pods get a sidecar. */
  injected: boolean;
  /**
   * True when the injection asks for a revision that does not exist (or a tag pointing at none):
   * a tag's webhook then fails, so new pods fail to be created; with no matching webhook at all,
   * new pods start without a sidecar.
   */
  missing?: boolean;
  /** One line for people: which label decided and how. */
  reason: string;
}

interface Target {
  desiredRevision?: string;
  tag?: string;
  missing?: boolean;
  via: string;
}

function resolveRevisionOrTag(
  name: string,
  tags: ReadonlyMap<string, string | undefined>,
  revisions: ReadonlySet<string>,
): Target & { isTag: boolean } {
  // A tag webhook named X serves `istio.io/rev=X`; only without one does X name a revision.
  if (tags.has(name)) {
    const revision = tags.get(name);
    return {
      isTag: true,
      tag: name,
      desiredRevision: revision,
      missing: revision === undefined || !revisions.has(revision),
      via:
        revision === undefined
          ? `tag ${name}, which points at no revision`
          : `tag ${name} -> revision ${revision}`,
    };
  }
  return {
    isTag: false,
    desiredRevision: name,
    missing: !revisions.has(name),
    via: `revision ${name}`,
  };
}

function resolveDefault(
  tags: ReadonlyMap<string, string | undefined>,
  revisions: ReadonlySet<string>,
): Target {
  const name = ISTIO_LABELS.defaultTag;
  if (tags.has(name)) {
    return resolveRevisionOrTag(name, tags, revisions);
  }
  // Without a default tag, the revision literally named `default` (a revisionless install) serves.
  return {
    desiredRevision: name,
    missing: !revisions.has(name),
    via: `revision ${name} (no default tag)`,
  };
}

function outcome(
  mode: InjectionMode,
  target: Target,
  optedOut: boolean,
  decidedBy: string,
): InjectionResolution {
  const missingNote = target.missing ? '; it does not exist' : '';
  if (optedOut) {
    return {
      mode,
      ...(target.tag !== undefined && { tag: target.tag }),
      injected: false,
      reason: `${decidedBy} selects ${target.via}, but the pod opts out with ${ISTIO_LABELS.sidecarInject}=false`,
    };
  }
  return {
    mode,
    ...(target.desiredRevision !== undefined && {
      desiredRevision: target.desiredRevision,
    }),
    ...(target.tag !== undefined && { tag: target.tag }),
    injected: true,
    ...(target.missing && { missing: true }),
    reason: `${decidedBy} selects ${target.via}${missingNote}`,
  };
}

/**
 * Which revision injects the sidecar of new pods in a namespace (or of one pod), following Istio's
 * documented webhook selection:
 *
 * 1. `istio.io/dataplane-mode=ambient` on the namespace: ambient, no sidecar.
 * 2. `istio-injection=enabled`: the `default` tag's revision (or the revision named `default`
 *    when there is no default tag); it takes precedence over `istio.io/rev`.
 * 3. `istio-injection` with any other value (`disabled`): no sidecar, whatever the pod says.
 * 4. `istio.io/rev=X` on the namespace: tag X when a tag webhook X exists, else revision X.
 * 5. Unlabelled namespace: a pod label `istio.io/rev=X` selects a tag or revision the same way;
 *    a pod label `sidecar.istio.io/inject=true` selects the default, as in step 2.
 *
 * A pod label `sidecar.istio.io/inject=false` opts the pod out in steps 2, 4 and 5. A revision
 * that does not exist is still reported, with `missing: true`.
 *
 * @public
 */
export function resolveInjection(input: InjectionInput): InjectionResolution {
  const { namespaceLabels, podLabels, tags, revisions } = input;
  const optedOut = podLabels?.[ISTIO_LABELS.sidecarInject] === 'false';

  if (namespaceLabels[ISTIO_LABELS.dataplaneMode] === 'ambient') {
    return {
      mode: 'ambient',
      injected: false,
      reason: `namespace label ${ISTIO_LABELS.dataplaneMode}=ambient: ambient mode, no sidecar`,
    };
  }

  const legacy = namespaceLabels[ISTIO_LABELS.injection];
  if (legacy === 'enabled') {
    return outcome(
      'legacy',
      resolveDefault(tags, revisions),
      optedOut,
      `namespace label ${ISTIO_LABELS.injection}=enabled`,
    );
  }
  if (legacy !== undefined) {
    return {
      mode: 'disabled',
      injected: false,
      reason: `namespace label ${ISTIO_LABELS.injection}=${legacy}: no sidecar`,
    };
  }

  const namespaceRevision = namespaceLabels[ISTIO_LABELS.revision];
  if (namespaceRevision !== undefined) {
    const target = resolveRevisionOrTag(namespaceRevision, tags, revisions);
    return outcome(
      target.isTag ? 'tag' : 'revision',
      target,
      optedOut,
      `namespace label ${ISTIO_LABELS.revision}=${namespaceRevision}`,
    );
  }

  const podRevision = podLabels?.[ISTIO_LABELS.revision];
  if (podRevision !== undefined) {
    const target = resolveRevisionOrTag(podRevision, tags, revisions);
    return outcome(
      target.isTag ? 'tag' : 'revision',
      target,
      optedOut,
      `pod label ${ISTIO_LABELS.revision}=${podRevision}`,
    );
  }

  if (podLabels?.[ISTIO_LABELS.sidecarInject] === 'true') {
    return outcome(
      'legacy',
      resolveDefault(tags, revisions),
      false,
      `pod label ${ISTIO_LABELS.sidecarInject}=true`,
    );
  }

  return {
    mode: 'none',
    injected: false,
    reason: 'no injection label on the namespace or the pod',
  };
}
