import {
  InjectionResolution,
  ISTIO_LABELS,
  resolveInjection,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { PodGroup, PodGroups } from '../PodGroups';
import type { ProxyVersionTimeline } from '../ProxyVersionTimeline';
import type {
  NamespaceRecord,
  PodRecord,
  StringMap,
  WorkloadRecord,
} from '../records';
import { RevisionCounter } from '../RevisionCounter';
import type { MeshControl, NamespaceTally, WorkloadTally } from './tallies';

/** The namespaces and workloads with their pods counted, per revision and version. */
export interface PodTallies {
  namespaces: Map<string, NamespaceTally>;
  /** Keyed by `namespace/kind/name`, as pods name their workload. */
  workloads: Map<string, WorkloadTally>;
}

/**
 * The one pass over pods, in groups of pods the rules cannot tell apart (`PodGroups`; plain pods are
 * grouped first): each pod counted in its namespace, its workload and its control plane,
 * with the revision its namespace (or its own labels) would give it now, and whether it needs a
 * restart to get there. Namespaces that only pods or workloads name are added without labels.
 */
export function tallyPods(
  input: {
    namespaces: Iterable<NamespaceRecord>;
    workloads: ReadonlyArray<WorkloadRecord>;
    pods: Iterable<PodRecord>;
    /** The same pods, already grouped: when given, `pods` is not read. */
    podGroups?: Iterable<PodGroup>;
  },
  control: MeshControl,
  versions: ProxyVersionTimeline,
): PodTallies {
  const { tags, revisions } = control;
  const namespaces = new Map<string, NamespaceTally>();
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
    namespaces.set(record.name, tally);
    return tally;
  };
  const namespaceNamed = (name: string) =>
    namespaces.get(name) ?? namespaceTally({ name, labels: {} });
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

  const workloads = new Map<string, WorkloadTally>();
  for (const record of input.workloads) {
    const resolution = resolveForPod(
      namespaceNamed(record.namespace),
      record.podLabels,
    );
    workloads.set(`${record.namespace}/${record.kind}/${record.name}`, {
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

  const groups = input.podGroups ?? PodGroups.of(input.pods).values();
  for (const group of groups) {
    const namespace = namespaceNamed(group.namespace);
    const resolution = resolveForPod(namespace, group.labels);
    const revision = group.revision;
    const pods = group.count;
    // Pods of a namespace that now wants no sidecar keep theirs but need no restart for it.
    const needsRestart =
      revision !== undefined &&
      resolution.injected &&
      resolution.desiredRevision !== undefined &&
      revision !== resolution.desiredRevision;
    const workload =
      group.workload === undefined
        ? undefined
        : workloads.get(`${group.namespace}/${group.workload}`);
    const countVersion = (version: string | undefined, count: number) => {
      namespace.revisions.add(revision, version, count);
      workload?.revisions.add(revision, version, count);
    };
    if (revision === undefined) {
      countVersion(undefined, pods);
    } else {
      versions.countByVersion(
        revision,
        group.createdAt,
        pods - group.createdAt.length,
        countVersion,
      );
    }
    namespace.pods += pods;
    if (revision === undefined) {
      namespace.uninjected += pods;
      if (resolution.injected) {
        namespace.uninjectedWanted += pods;
      }
    } else {
      namespace.injected += pods;
      const controlPlane = control.controlPlanes.get(revision);
      if (controlPlane) {
        controlPlane.pods += pods;
      }
      if (needsRestart) {
        namespace.needingRestart += pods;
      }
    }
    if (workload) {
      workload.pods += pods;
      if (needsRestart) {
        workload.needingRestart += pods;
      }
    }
  }
  return { namespaces, workloads };
}
