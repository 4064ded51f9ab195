import {
  ClusterInventory,
  compareIstioVersions,
  ControlPlane,
  Plan,
  PlannedPatch,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { KubeObject } from '../../kubernetes/ClusterApi';
import {
  ControlPlaneManagement,
  InstalledBy,
  revisionBasedIstio,
} from './controlPlaneManagement';

const SAIL_API = 'sailoperator.io/v1';

/** The step that writes (or, for people, waits on) the new revision. */
export const INSTALL_STEP = 'install-control-plane';

/** What an install copies from the cluster's current revision, read before planning. */
export interface CurrentRevisionValues {
  /** The revision copied (the default one, else the newest). */
  revision: string;
  /** Its mesh configuration (the `mesh` key of its `istio[-<rev>]` ConfigMap), parsed. */
  meshConfig?: Record<string, unknown>;
  /** Its istiod container's resources. */
  resources?: Record<string, unknown>;
  /** Its istiod's namespace. */
  namespace: string;
  /** Its image registry (`docker.io/istio` from `docker.io/istio/pilot:1.30.4`). */
  hub?: string;
}

/** The control plane an install copies: the default revision, else the newest version. */
export function sourceControlPlane(
  inventory: ClusterInventory,
): ControlPlane | undefined {
  const planes = inventory.controlPlanes;
  return (
    planes.find(cp => cp.isDefault) ??
    [...planes].sort((a, b) => compareIstioVersions(b.version, a.version))[0]
  );
}

/** Lines saying how `after` differs from `before`, by dotted path. */
export function valuesDiff(
  before: unknown,
  after: unknown,
  path = '',
): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [
      ...new Set([...Object.keys(before), ...Object.keys(after)]),
    ].sort();
    return keys.flatMap(key =>
      valuesDiff(before[key], after[key], path ? `${path}.${key}` : key),
    );
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const show = (v: unknown) =>
    v === undefined ? '(unset)' : JSON.stringify(v);
  return [`${path}: ${show(before)} -> ${show(after)}`];
}

/** The Helm and istioctl commands that install the revision with the current revision's values. */
export function manualInstallCommands(
  version: string,
  revision: string,
  current: CurrentRevisionValues | undefined,
  installedBy: InstalledBy,
): string[] {
  const namespace = current?.namespace ?? 'istio-system';
  const values = {
    revision,
    ...(current?.hub ? { global: { hub: current.hub, tag: version } } : {}),
    ...(current?.meshConfig ? { meshConfig: current.meshConfig } : {}),
    ...(current?.resources ? { pilot: { resources: current.resources } } : {}),
  };
  const helm = [
    `cat > istiod-${revision}-values.yaml <<'EOF'\n${JSON.stringify(
      values,
      null,
      2,
    )}\nEOF`,
    `helm upgrade --install istiod-${revision} istio/istiod --version ${version} --namespace ${namespace} --set revision=${revision} --values istiod-${revision}-values.yaml --wait`,
  ];
  const operator = {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    spec: {
      profile: 'minimal',
      revision,
      ...(current?.hub ? { hub: current.hub } : {}),
      tag: version,
      ...(current?.meshConfig ? { meshConfig: current.meshConfig } : {}),
      ...(current?.resources
        ? { components: { pilot: { k8s: { resources: current.resources } } } }
        : {}),
    },
  };
  const istioctl = [
    `cat > istiod-${revision}-operator.yaml <<'EOF'\n${JSON.stringify(
      operator,
      null,
      2,
    )}\nEOF`,
    `istioctl install --revision ${revision} --filename istiod-${revision}-operator.yaml --skip-confirmation # istioctl of Istio ${version}`,
  ];
  return installedBy === 'istioctl'
    ? [...istioctl, ...helm]
    : [...helm, ...istioctl];
}

/** What the planner knows of the cluster for an install. */
export interface InstallContext {
  inventory: ClusterInventory;
  management: ControlPlaneManagement;
  installedBy: InstalledBy;
  version: string;
  revision: string;
  current?: CurrentRevisionValues;
}

/**
 * The plan of a control-plane install. With Sail: a RevisionBased `Istio` gets its `spec.version`
 * patched (conditionally on its resourceVersion) and Sail makes the revision; otherwise an
 * `IstioRevision` is created with the current revision's values, the diff shown. Without Sail the
 * product writes nothing: the plan gives the commands and the request waits for the revision.
 */
export function planControlPlaneInstall(context: InstallContext): Plan {
  const { management, version, revision, installedBy } = context;
  const source = sourceControlPlane(context.inventory);
  const base = {
    toRevision: revision,
    ...(source ? { fromRevision: source.revision } : {}),
    waves: [],
    podsInScope: 0,
  };
  if (installedBy === 'sail') {
    const istio = revisionBasedIstio(management);
    if (istio) {
      const previous = String(istio.spec?.version ?? '');
      // Sail moves a tag that targets the Istio resource itself with its active revision.
      const following = management.istioRevisionTags
        .filter(
          t =>
            t.spec?.targetRef?.kind === 'Istio' &&
            t.spec?.targetRef?.name === istio.metadata.name,
        )
        .map(t => t.metadata.name);
      const patch: PlannedPatch = {
        step: INSTALL_STEP,
        kind: 'Istio',
        apiVersion: SAIL_API,
        name: istio.metadata.name,
        patchType: 'merge',
        patch: {
          metadata: { resourceVersion: istio.metadata.resourceVersion },
          spec: { version: `v${version}` },
        },
        ...(istio.metadata.resourceVersion
          ? { precondition: istio.metadata.resourceVersion }
          : {}),
      };
      return {
        ...base,
        summary: `Set Istio ${
          istio.metadata.name
        }'s spec.version to v${version}: Sail creates revision ${revision} next to ${
          previous ? `the ${previous} one` : 'the others'
        } (RevisionBased); tags are left alone`,
        patches: [patch],
        ...(following.length
          ? {
              warnings: [
                `Tag ${following.join(', ')} targets Istio ${
                  istio.metadata.name
                } itself: Sail moves it to ${revision} with the active revision, and the namespaces that use it follow at their next restart`,
              ],
            }
          : {}),
        rollbackPatches: [
          {
            step: INSTALL_STEP,
            kind: 'Istio',
            apiVersion: SAIL_API,
            name: istio.metadata.name,
            patchType: 'merge',
            patch: { spec: { version: previous } },
          },
        ],
        controlPlane: {
          installedBy,
          mode: 'sail-istio-version',
          version,
          sailResource: `Istio/${istio.metadata.name}`,
          valuesDiff: [`spec.version: "${previous}" -> "v${version}"`],
        },
      };
    }
    const copied = management.istioRevisions.find(
      r => r.metadata.name === source?.revision,
    );
    const object: KubeObject = {
      apiVersion: SAIL_API,
      kind: 'IstioRevision',
      metadata: {
        name: revision,
        labels: { 'app.kubernetes.io/managed-by': 'istio-upgrade' },
      },
      spec: {
        version: `v${version}`,
        namespace: copied?.spec?.namespace ?? 'istio-system',
        values: { ...(copied?.spec?.values ?? {}), revision },
      },
    };
    return {
      ...base,
      summary: `Create IstioRevision ${revision} (Istio ${version})${
        copied ? ` with the values of ${copied.metadata.name}` : ''
      }; Sail installs it; tags are left alone`,
      patches: [
        {
          step: INSTALL_STEP,
          kind: 'IstioRevision',
          apiVersion: SAIL_API,
          name: revision,
          patchType: 'create',
          patch: object,
        },
      ],
      rollbackPatches: [
        {
          step: INSTALL_STEP,
          kind: 'IstioRevision',
          apiVersion: SAIL_API,
          name: revision,
          patchType: 'delete',
          patch: {},
        },
      ],
      controlPlane: {
        installedBy,
        mode: 'sail-istio-revision',
        version,
        sailResource: `IstioRevision/${revision}`,
        valuesDiff: valuesDiff(copied?.spec ?? {}, object.spec),
      },
    };
  }
  return {
    ...base,
    summary: `The product does not install control planes on a cluster installed with ${
      installedBy === 'unknown' ? 'an unrecognised installer' : installedBy
    }: run the commands, then the request completes when revision ${revision} (Istio ${version}) is Ready in the inventory`,
    patches: [],
    rollbackPatches: [],
    controlPlane: {
      installedBy,
      mode: 'manual',
      version,
      commands: manualInstallCommands(
        version,
        revision,
        context.current,
        installedBy,
      ),
    },
  };
}
