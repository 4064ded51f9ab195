import { ISTIO_LABELS } from '../injection/istioLabels';
import {
  InjectionResolution,
  resolveInjection,
} from '../injection/resolveInjection';
import { IstioRelease } from '../releases/IstioRelease';
import type {
  Cluster,
  ClusterInventory,
  ControlPlane,
  Gateway,
  GatewayService,
  NamespaceInventory,
  RevisionTag,
  Warning,
  Workload,
} from '../schema';
import { isProxySkewSupported } from '../skew/isProxySkewSupported';
import { evaluateSupport } from '../support/evaluateSupport';
import { istioVersionFromImage } from '../versions/istioVersionFromImage';
import type { ControlPlaneRollout } from './inventoryInput';
import {
  controlPlaneRevisionOf,
  gatewayDirectionOf,
  injectorRevisionOf,
  isGatewayWorkload,
  revisionTagOf,
} from './istioResources';
import { isCutoverCandidate } from './isCutoverCandidate';
import { buildGatewayApiGateways } from './buildGatewayApiGateways';
import { ProxyVersionTimeline } from './ProxyVersionTimeline';
import type {
  ClusterSnapshot,
  NamespaceRecord,
  ServiceRecord,
  StringMap,
  WorkloadRecord,
} from './records';
import { RevisionCounter } from './RevisionCounter';
import { compareWarnings, INVENTORY_WARNING_CODES } from './warningCodes';
import { compareText } from './compareText';

/**
 * Options of {@link buildClusterInventory}.
 *
 * @public
 */
export interface BuildInventoryOptions {
  /** The release table, for support status. */
  releases: ReadonlyArray<IstioRelease>;
  /** The clock reading the support status is judged at. */
  now: number | Date;
  /** Days before end of life that count as ending soon; 60 by default. */
  endingSoonDays?: number;
}

const W = INVENTORY_WARNING_CODES;

interface NamespaceTally {
  record: NamespaceRecord;
  resolution: InjectionResolution;
  /** Pod-level resolutions, keyed by the two pod labels that can change the outcome. */
  podResolutions: Map<string, InjectionResolution>;
  pods: number;
  injected: number;
  uninjected: number;
  needingRestart: number;
  /** Pods without a sidecar although they would get one if created now. */
  uninjectedWanted: number;
  revisions: RevisionCounter;
}

interface WorkloadTally {
  record: WorkloadRecord;
  desiredRevision?: string;
  pods: number;
  needingRestart: number;
  revisions: RevisionCounter;
}

interface ControlPlaneTally {
  revision: string;
  workload: WorkloadRecord;
  version?: string;
  pods: number;
  namespaces: string[];
  tags: string[];
  gateways: string[];
}

function byName(a: { name: string }, b: { name: string }) {
  return compareText(a.name, b.name);
}

function byNamespaceAndName(
  a: { namespace: string; name: string },
  b: { namespace: string; name: string },
) {
  return compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}

function plural(count: number, one: string, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

function agree(count: number, singular: string, pluralForm: string) {
  return count === 1 ? singular : pluralForm;
}

function listed(names: string[], max = 5) {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function selectorMatches(selector: StringMap, labels: StringMap): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every(key => labels[key] === selector[key]);
}

// How exposed a Service type makes the pods it selects, most exposed first.
const EXPOSURES: ReadonlyArray<NonNullable<Gateway['exposure']>> = [
  'LoadBalancer',
  'NodePort',
  'ClusterIP',
];

/**
 * Computes a cluster's Istio inventory (docs/architecture.md#inventory) from the backend's records: control
 * planes with version, readiness, tags, default, support, use and removability; revision tags;
 * gateways and the LoadBalancer Services that select them; namespaces with their injection and
 * pods per revision; workloads; warnings; totals.
 *
 * Linear in the number of records: every collection is read once into maps, and each pod is
 * looked at once. Pure: the same input and `now` give the same output, with every list sorted.
 *
 * @public
 */
export function buildClusterInventory(
  cluster: Cluster,
  input: ClusterSnapshot & {
    controlPlaneRollouts?: Iterable<ControlPlaneRollout>;
  },
  options: BuildInventoryOptions,
): ClusterInventory {
  const { releases, now, endingSoonDays } = options;
  const warnings: Warning[] = [];
  const warn = (
    code: string,
    severity: Warning['severity'],
    subject: Warning['subject'],
    message: string,
  ) =>
    warnings.push({ cluster: cluster.name, code, severity, subject, message });

  // Control planes, tags and injectors first: every later step resolves through them.
  const workloads = [...input.workloads];
  const controlPlaneTallies = new Map<string, ControlPlaneTally>();
  for (const workload of [...workloads].sort(byNamespaceAndName)) {
    const revision = controlPlaneRevisionOf(workload);
    if (revision !== undefined && !controlPlaneTallies.has(revision)) {
      controlPlaneTallies.set(revision, {
        revision,
        workload,
        version: istioVersionFromImage(workload.images.discovery),
        pods: 0,
        namespaces: [],
        tags: [],
        gateways: [],
      });
    }
  }

  const tags = new Map<string, string | undefined>();
  const injectors = new Set<string>();
  // Revisions served by a control plane outside the cluster (an external or remote istiod): no
  // istiod here, and an injector webhook that calls a URL. Their pods are attached, not detached.
  const externalInjectors = new Map<string, string>();
  for (const webhook of input.webhooks) {
    const tag = revisionTagOf(webhook);
    if (tag !== undefined) {
      tags.set(tag, webhook.labels[ISTIO_LABELS.revision]);
      continue;
    }
    const injector = injectorRevisionOf(webhook);
    if (injector !== undefined) {
      injectors.add(injector);
      const url = webhook.urls?.[0];
      if (url !== undefined && !controlPlaneTallies.has(injector)) {
        externalInjectors.set(injector, url);
      }
    }
  }
  // Revisions a control plane serves, in the cluster or outside it.
  const revisions: ReadonlySet<string> = new Set([
    ...controlPlaneTallies.keys(),
    ...externalInjectors.keys(),
  ]);
  for (const [tag, revision] of tags) {
    if (revision !== undefined) {
      controlPlaneTallies.get(revision)?.tags.push(tag);
    }
  }

  const versions = new ProxyVersionTimeline(
    input.controlPlaneRollouts ?? [],
    new Map(
      [...controlPlaneTallies.values()].map(cp => [cp.revision, cp.version]),
    ),
  );

  // Namespaces and their namespace-level injection.
  const namespaceTallies = new Map<string, NamespaceTally>();
  const namespaceTally = (record: NamespaceRecord): NamespaceTally => {
    const tally: NamespaceTally = {
      record,
      resolution: resolveInjection({
        namespaceLabels: record.labels,
        tags,
        revisions,
      }),
      podResolutions: new Map(),
      pods: 0,
      injected: 0,
      uninjected: 0,
      needingRestart: 0,
      uninjectedWanted: 0,
      revisions: new RevisionCounter(),
    };
    namespaceTallies.set(record.name, tally);
    return tally;
  };
  for (const record of input.namespaces) {
    namespaceTally(record);
  }
  const resolveForPod = (
    namespace: NamespaceTally,
    labels: StringMap,
  ): InjectionResolution => {
    const rev = labels[ISTIO_LABELS.revision];
    const inject = labels[ISTIO_LABELS.sidecarInject];
    if (rev === undefined && inject === undefined) {
      return namespace.resolution;
    }
    const key = `${rev ?? '\u0001'}\u0000${inject ?? '\u0001'}`;
    let resolution = namespace.podResolutions.get(key);
    if (!resolution) {
      resolution = resolveInjection({
        namespaceLabels: namespace.record.labels,
        podLabels: labels,
        tags,
        revisions,
      });
      namespace.podResolutions.set(key, resolution);
    }
    return resolution;
  };

  const workloadTallies = new Map<string, WorkloadTally>();
  for (const record of workloads) {
    const namespace =
      namespaceTallies.get(record.namespace) ??
      namespaceTally({ name: record.namespace, labels: {} });
    const resolution = resolveForPod(namespace, record.podLabels);
    workloadTallies.set(`${record.namespace}/${record.kind}/${record.name}`, {
      record,
      ...(resolution.injected &&
        resolution.desiredRevision !== undefined && {
          desiredRevision: resolution.desiredRevision,
        }),
      pods: 0,
      needingRestart: 0,
      revisions: new RevisionCounter(),
    });
  }

  // The one pass over pods.
  for (const pod of input.pods) {
    const namespace =
      namespaceTallies.get(pod.namespace) ??
      namespaceTally({ name: pod.namespace, labels: {} });
    const resolution = resolveForPod(namespace, pod.labels);
    const revision = pod.revision;
    const version =
      revision === undefined
        ? undefined
        : versions.versionOf(revision, pod.createdAt);
    // Pods of a namespace that now wants no sidecar keep theirs but need no restart for it.
    const needsRestart =
      revision !== undefined &&
      resolution.injected &&
      resolution.desiredRevision !== undefined &&
      revision !== resolution.desiredRevision;
    namespace.pods++;
    namespace.revisions.add(revision, version);
    if (revision === undefined) {
      namespace.uninjected++;
      if (resolution.injected) {
        namespace.uninjectedWanted++;
      }
    } else {
      namespace.injected++;
      const controlPlane = controlPlaneTallies.get(revision);
      if (controlPlane) {
        controlPlane.pods++;
      }
      if (needsRestart) {
        namespace.needingRestart++;
      }
    }
    if (pod.workload !== undefined) {
      const workload = workloadTallies.get(`${pod.namespace}/${pod.workload}`);
      if (workload) {
        workload.pods++;
        workload.revisions.add(revision, version);
        if (needsRestart) {
          workload.needingRestart++;
        }
      }
    }
  }

  // Namespaces.
  const namespaces: NamespaceInventory[] = [];
  for (const tally of [...namespaceTallies.values()].sort((a, b) =>
    byName(a.record, b.record),
  )) {
    const { record, resolution } = tally;
    const name = record.name;
    const desired = resolution.injected
      ? resolution.desiredRevision
      : undefined;
    if (desired !== undefined) {
      controlPlaneTallies.get(desired)?.namespaces.push(name);
    }
    const revisionLabel = record.labels[ISTIO_LABELS.revision];
    const team = record.labels.team;
    const desiredVersion =
      desired === undefined
        ? undefined
        : controlPlaneTallies.get(desired)?.version;
    namespaces.push({
      name,
      injectionMode: resolution.mode,
      ...(revisionLabel !== undefined && { revisionLabel }),
      ...(resolution.tag !== undefined && { tag: resolution.tag }),
      ...(desired !== undefined && { desiredRevision: desired }),
      ...(desiredVersion !== undefined && { desiredVersion }),
      pods: tally.pods,
      injectedPods: tally.injected,
      uninjectedPods: tally.uninjected,
      podsNeedingRestart: tally.needingRestart,
      podsByRevision: tally.revisions.list(),
      ...(team !== undefined && { team }),
    });
    namespaceWarnings(tally, desired);
  }

  function namespaceWarnings(
    tally: NamespaceTally,
    desired: string | undefined,
  ) {
    const { record, resolution } = tally;
    const subject = { kind: 'Namespace', name: record.name };
    if (resolution.mode === 'ambient') {
      warn(
        W.ambientNamespace,
        'info',
        subject,
        `Namespace ${record.name} uses ambient mode (no sidecars): reported, not migrated`,
      );
    }
    const legacy = record.labels[ISTIO_LABELS.injection];
    const rev = record.labels[ISTIO_LABELS.revision];
    if (legacy !== undefined && rev !== undefined) {
      warn(
        W.conflictingInjectionLabels,
        'warning',
        subject,
        `Namespace ${record.name} has both ${ISTIO_LABELS.injection}=${legacy} and ${ISTIO_LABELS.revision}=${rev}; ${ISTIO_LABELS.injection} takes precedence, so ${rev} is ignored`,
      );
    }
    if (resolution.missing) {
      const via =
        resolution.tag === undefined ? '' : ` through tag ${resolution.tag}`;
      warn(
        W.namespaceRevisionMissing,
        'error',
        subject,
        resolution.desiredRevision === undefined
          ? `Namespace ${record.name} uses tag ${resolution.tag}, which points at no revision; new pods will fail to be created`
          : `Namespace ${record.name} asks for revision ${resolution.desiredRevision}${via}, which does not exist; no injector matches, so new pods start without a sidecar`,
      );
    }
    if (tally.needingRestart > 0) {
      warn(
        W.drift,
        'warning',
        subject,
        `${plural(tally.needingRestart, 'pod')} in namespace ${
          record.name
        } ${agree(tally.needingRestart, 'is', 'are')} not yet restarted onto ${
          desired === undefined
            ? 'their desired revision'
            : `revision ${desired}`
        }`,
      );
    }
    if (tally.uninjectedWanted > 0) {
      warn(
        W.uninjectedPods,
        'info',
        subject,
        `${plural(tally.uninjectedWanted, 'pod')} in namespace ${
          record.name
        } ${agree(
          tally.uninjectedWanted,
          'has',
          'have',
        )} no sidecar although the namespace injects ${
          desired ?? 'them'
        }; a restart would add one`,
      );
    }
    for (const entry of tally.revisions.list()) {
      if (entry.revision === undefined) {
        continue;
      }
      const controlPlane = controlPlaneTallies.get(entry.revision);
      if (!controlPlane) {
        continue;
      }
      const skew = isProxySkewSupported(controlPlane.version, entry.version);
      if (skew.known && !skew.supported) {
        warn(
          W.unsupportedSkew,
          'error',
          subject,
          `${plural(entry.count, 'pod')} in namespace ${
            record.name
          } on revision ${entry.revision}: ${skew.reason}`,
        );
      }
    }
    const detached = new Map<string, number>();
    for (const entry of tally.revisions.list()) {
      if (entry.revision !== undefined && !revisions.has(entry.revision)) {
        detached.set(
          entry.revision,
          (detached.get(entry.revision) ?? 0) + entry.count,
        );
      }
    }
    for (const [revision, count] of detached) {
      warn(
        W.proxyDetached,
        'error',
        subject,
        `${plural(count, 'pod')} in namespace ${record.name} ${agree(
          count,
          'runs',
          'run',
        )} revision ${revision}, which has no control plane, so ${agree(
          count,
          'it gets',
          'they get',
        )} no configuration or certificates`,
      );
    }
  }

  // Tags.
  const tagList: RevisionTag[] = [...tags.entries()]
    .map(([name, revision]) => ({
      name,
      ...(revision !== undefined && { revision }),
      revisionExists: revision !== undefined && revisions.has(revision),
      namespaces: namespaces.filter(n => n.tag === name).map(n => n.name),
    }))
    .sort(byName);
  for (const tag of tagList) {
    if (!tag.revisionExists) {
      const users =
        tag.namespaces.length > 0
          ? `; new pods in ${listed(tag.namespaces)} will fail to be created`
          : '';
      warn(
        W.tagMissingRevision,
        'error',
        { kind: 'RevisionTag', name: tag.name },
        tag.revision === undefined
          ? `Revision tag ${tag.name} points at no revision${users}`
          : `Revision tag ${tag.name} points at revision ${tag.revision}, which does not exist${users}`,
      );
    }
  }

  // Gateways.
  const gateways: Gateway[] = [];
  const gatewaysByNamespace = new Map<string, Gateway[]>();
  for (const tally of workloadTallies.values()) {
    const record = tally.record;
    if (
      !isGatewayWorkload(record) ||
      controlPlaneRevisionOf(record) !== undefined
    ) {
      continue;
    }
    const dominant = tally.revisions.dominant();
    // A gateway pinned to a tag runs the tag's revision.
    const pinned = record.podLabels[ISTIO_LABELS.revision];
    const revision =
      (pinned === undefined ? undefined : tags.get(pinned) ?? pinned) ??
      dominant?.revision ??
      tally.desiredRevision;
    const version =
      istioVersionFromImage(record.images['istio-proxy']) ??
      (dominant?.revision === revision ? dominant?.version : undefined) ??
      (revision === undefined
        ? undefined
        : controlPlaneTallies.get(revision)?.version);
    const gateway: Gateway = {
      namespace: record.namespace,
      name: record.name,
      labels: { ...record.podLabels },
      ...(revision !== undefined && { revision }),
      ...(version !== undefined && { version }),
      direction: gatewayDirectionOf(record),
      workloadKind: record.kind === 'DaemonSet' ? 'DaemonSet' : 'Deployment',
      ready: record.readyReplicas > 0,
      readyReplicas: record.readyReplicas,
      replicas: record.replicas,
      services: [],
    };
    gateways.push(gateway);
    const list = gatewaysByNamespace.get(gateway.namespace);
    if (list) {
      list.push(gateway);
    } else {
      gatewaysByNamespace.set(gateway.namespace, [gateway]);
    }
    if (revision !== undefined) {
      controlPlaneTallies
        .get(revision)
        ?.gateways.push(`${gateway.namespace}/${gateway.name}`);
    }
  }
  gateways.sort(byNamespaceAndName);
  for (const list of gatewaysByNamespace.values()) {
    list.sort(byNamespaceAndName);
  }

  // How each gateway is exposed: the most exposed type of the Services selecting its pods. (The
  // input is an Iterable, read once.)
  const services = [...input.services].sort(byNamespaceAndName);
  for (const service of services) {
    const rank = EXPOSURES.indexOf(service.type as Gateway['exposure'] & {});
    if (rank < 0) {
      continue;
    }
    for (const gateway of gatewaysByNamespace.get(service.namespace) ?? []) {
      if (
        selectorMatches(service.selector, gateway.labels) &&
        (gateway.exposure === undefined ||
          rank < EXPOSURES.indexOf(gateway.exposure))
      ) {
        gateway.exposure = EXPOSURES[rank];
      }
    }
  }

  // LoadBalancer Services in front of gateways: which colour is live, which is standby (the
  // cutover candidates: selected once only the selector's colour values change).
  const gatewayServices: GatewayService[] = [];
  const standbyFor = new Map<Gateway, string[]>();
  for (const service of services) {
    if (service.type !== 'LoadBalancer') {
      continue;
    }
    const candidates = gatewaysByNamespace.get(service.namespace) ?? [];
    const live = candidates.filter(g =>
      selectorMatches(service.selector, g.labels),
    );
    const related = candidates.filter(g =>
      isCutoverCandidate(service.selector, g),
    );
    if (live.length === 0 && related.length === 0) {
      continue;
    }
    gatewayServices.push(gatewayServiceOf(service, live, related));
    for (const gateway of live) {
      gateway.services.push(service.name);
    }
    for (const gateway of related) {
      if (!live.includes(gateway)) {
        standbyFor.set(gateway, [
          ...(standbyFor.get(gateway) ?? []),
          service.name,
        ]);
      }
    }
  }

  function gatewayServiceOf(
    service: ServiceRecord,
    live: Gateway[],
    related: Gateway[],
  ): GatewayService {
    const readyEndpoints = live.reduce((sum, g) => sum + g.readyReplicas, 0);
    const liveGateway = live[0];
    const result: GatewayService = {
      namespace: service.namespace,
      name: service.name,
      selector: { ...service.selector },
      ...(liveGateway && {
        live: { namespace: liveGateway.namespace, name: liveGateway.name },
      }),
      ...(liveGateway?.revision !== undefined && {
        liveRevision: liveGateway.revision,
      }),
      readyEndpoints,
      standby: related
        .filter(g => !live.includes(g))
        .map(g => ({
          namespace: g.namespace,
          name: g.name,
          ready: g.ready,
          ...(g.revision !== undefined && { revision: g.revision }),
          ...(g.version !== undefined && { version: g.version }),
        })),
      ...(service.resourceVersion && {
        resourceVersion: service.resourceVersion,
      }),
      ports: service.ports.map(p => ({ ...p })),
      ...(service.externalAddress !== undefined && {
        externalAddress: service.externalAddress,
      }),
    };
    if (readyEndpoints === 0) {
      warn(
        W.gatewayServiceNoReadyPod,
        'error',
        { kind: 'Service', namespace: service.namespace, name: service.name },
        liveGateway
          ? `LoadBalancer Service ${service.namespace}/${
              service.name
            } selects gateway ${listed(
              live.map(g => g.name),
            )}, which has no ready pod; its traffic is dropped`
          : `LoadBalancer Service ${service.namespace}/${service.name} selects no gateway; its traffic is dropped`,
      );
    }
    return result;
  }

  // A gateway in a removal reason: which way it carries traffic, its workload when not a
  // Deployment, and how it is exposed (live or standby behind a LoadBalancer Service, else the
  // type of the Services selecting it).
  function describeGateway(gateway: Gateway): string {
    const standby = standbyFor.get(gateway) ?? [];
    let exposure = gateway.exposure ?? 'no Service';
    if (gateway.services.length) {
      exposure = `live behind LoadBalancer ${gateway.services.join(', ')}`;
    } else if (standby.length) {
      exposure = `standby for LoadBalancer ${standby.join(', ')}`;
    }
    const workload =
      gateway.workloadKind === 'DaemonSet' ? `${gateway.workloadKind}, ` : '';
    return `${gateway.namespace}/${gateway.name} (${gateway.direction}, ${workload}${exposure})`;
  }

  // Control planes, now that pods, namespaces, tags and gateways are counted.
  const controlPlanes: ControlPlane[] = [];
  for (const tally of [...controlPlaneTallies.values()].sort((a, b) =>
    compareText(a.revision, b.revision),
  )) {
    controlPlanes.push(controlPlaneOf(tally));
  }
  for (const [revision, url] of externalInjectors) {
    let pods = 0;
    for (const namespace of namespaceTallies.values()) {
      pods += namespace.revisions
        .list()
        .filter(entry => entry.revision === revision)
        .reduce((sum, entry) => sum + entry.count, 0);
    }
    warn(
      W.controlPlaneExternal,
      'info',
      { kind: 'ControlPlane', name: revision },
      `Revision ${revision} is served by a control plane outside the cluster (${url}); ${plural(
        pods,
        'pod',
      )} ${agree(pods, 'runs', 'run')} it`,
    );
  }

  function controlPlaneOf(tally: ControlPlaneTally): ControlPlane {
    const { revision, workload, version } = tally;
    const subject = { kind: 'ControlPlane', name: revision };
    const defaultTag = tags.get(ISTIO_LABELS.defaultTag);
    const isDefault = tags.has(ISTIO_LABELS.defaultTag)
      ? defaultTag === revision
      : revision === ISTIO_LABELS.defaultTag;
    const support = evaluateSupport(version, releases, now, { endingSoonDays });
    const ready = workload.readyReplicas > 0;
    const hasInjector = injectors.has(revision);
    const tagNames = [...tally.tags].sort();
    const namespaceNames = [...tally.namespaces].sort();
    const gatewayNames = [...tally.gateways].sort();

    // Gateways of every kind keep their revision in use, live or standby: a standby gateway whose
    // revision is removed comes back without a proxy at its next restart. It goes first (or with the
    // revision, in a removal that checks no LoadBalancer Service selects it).
    const revisionGateways = gateways.filter(g => g.revision === revision);
    const gatewayKeys = new Set(
      revisionGateways.map(g => `${g.namespace}/${g.workloadKind}/${g.name}`),
    );
    // Workloads whose pod template asks for the revision (or a tag pointing at it): their next pods
    // need it, whatever their namespace says.
    const pinnedWorkloads = [...workloadTallies.entries()]
      .filter(([key, w]) => {
        const pinned = w.record.podLabels[ISTIO_LABELS.revision];
        return (
          pinned !== undefined &&
          (tags.get(pinned) ?? pinned) === revision &&
          !gatewayKeys.has(key) &&
          controlPlaneRevisionOf(w.record) === undefined
        );
      })
      .map(([key]) => key)
      .sort(compareText);

    const notRemovableBecause: string[] = [];
    if (tally.pods > 0) {
      notRemovableBecause.push(
        `${plural(tally.pods, 'pod')} still ${agree(
          tally.pods,
          'runs',
          'run',
        )} it`,
      );
    }
    if (namespaceNames.length > 0) {
      notRemovableBecause.push(
        `${plural(namespaceNames.length, 'namespace')} ${agree(
          namespaceNames.length,
          'asks',
          'ask',
        )} for it: ${listed(namespaceNames)}`,
      );
    }
    if (tagNames.length > 0) {
      notRemovableBecause.push(
        `${agree(tagNames.length, 'tag', 'tags')} ${agree(
          tagNames.length,
          'points',
          'point',
        )} at it: ${listed(tagNames)}`,
      );
    }
    if (revisionGateways.length > 0) {
      notRemovableBecause.push(
        `${plural(revisionGateways.length, 'gateway')} ${agree(
          revisionGateways.length,
          'runs',
          'run',
        )} it: ${listed(revisionGateways.map(describeGateway))}`,
      );
    }
    if (pinnedWorkloads.length > 0) {
      notRemovableBecause.push(
        `${plural(pinnedWorkloads.length, 'workload')} ${agree(
          pinnedWorkloads.length,
          'pins',
          'pin',
        )} it in ${agree(
          pinnedWorkloads.length,
          'its',
          'their',
        )} pod template: ${listed(pinnedWorkloads)}`,
      );
    }
    if (isDefault) {
      notRemovableBecause.push('it is the default revision');
    }
    const safeToRemove = notRemovableBecause.length === 0;

    const running =
      version === undefined ? 'an unknown version' : `Istio ${version}`;
    if (support.status === 'end-of-life') {
      warn(
        W.endOfLife,
        'error',
        subject,
        `Control plane ${revision} runs ${running}, whose support ended on ${support.endOfLife}`,
      );
    } else if (support.status === 'ending-soon') {
      warn(
        W.endOfLifeSoon,
        'warning',
        subject,
        `Control plane ${revision} runs ${running}, whose support ends on ${
          support.endOfLife
        } (in ${plural(support.daysToEndOfLife ?? 0, 'day')})`,
      );
    }
    if (!ready) {
      warn(
        W.controlPlaneNotReady,
        'error',
        subject,
        `Control plane ${revision} (${workload.namespace}/${workload.name}) has ${workload.readyReplicas} of ${workload.replicas} replicas ready; its proxies get no configuration`,
      );
    }
    if (!hasInjector) {
      warn(
        W.injectorMissing,
        'warning',
        subject,
        `Control plane ${revision} has no injector webhook (istio-sidecar-injector-${revision}); pods asking for it get no sidecar`,
      );
    }
    if (safeToRemove) {
      warn(
        W.revisionRemovable,
        'info',
        subject,
        `Revision ${revision} is used by no pod, namespace, tag, gateway or workload and can be removed`,
      );
    }
    return {
      revision,
      ...(version !== undefined && { version }),
      ...(workload.images.discovery !== undefined && {
        image: workload.images.discovery,
      }),
      ready,
      readyReplicas: workload.readyReplicas,
      replicas: workload.replicas,
      tags: tagNames,
      isDefault,
      hasInjector,
      support,
      inUse: {
        pods: tally.pods,
        namespaces: namespaceNames.length,
        tags: tagNames.length,
        gateways: gatewayNames.length,
      },
      safeToRemove,
      notRemovableBecause,
    };
  }

  // Workloads.
  const workloadList: Workload[] = [...workloadTallies.values()]
    .map(tally => {
      const record = tally.record;
      return {
        kind: record.kind,
        namespace: record.namespace,
        name: record.name,
        labels: { ...record.labels },
        podLabels: { ...record.podLabels },
        ...(tally.desiredRevision !== undefined && {
          desiredRevision: tally.desiredRevision,
        }),
        pods: tally.pods,
        podsByRevision: tally.revisions.list(),
        podsNeedingRestart: tally.needingRestart,
        readyReplicas: record.readyReplicas,
        replicas: record.replicas,
        ...(record.kind === 'Deployment'
          ? { paused: record.paused }
          : { onDelete: record.onDelete }),
      };
    })
    .sort(
      (a, b) =>
        compareText(a.namespace, b.namespace) ||
        compareText(a.kind, b.kind) ||
        compareText(a.name, b.name),
    );

  const gatewayApiGateways = buildGatewayApiGateways(
    input.gatewayApiGateways ?? [],
    { tags, workloads: workloadList },
  );

  let pods = 0;
  let injectedPods = 0;
  let podsNeedingRestart = 0;
  for (const namespace of namespaces) {
    pods += namespace.pods;
    injectedPods += namespace.injectedPods;
    podsNeedingRestart += namespace.podsNeedingRestart;
  }

  return {
    cluster,
    controlPlanes,
    tags: tagList,
    gateways,
    gatewayServices,
    gatewayApiGateways,
    namespaces,
    workloads: workloadList,
    warnings: warnings.sort(compareWarnings),
    totals: {
      namespaces: namespaces.length,
      pods,
      injectedPods,
      podsNeedingRestart,
    },
  };
}
