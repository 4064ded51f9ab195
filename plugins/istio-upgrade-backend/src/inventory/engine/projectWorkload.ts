import type { KubeWorkloadObject } from './kubernetesObjects';
import type { StringMap, WorkloadRecord } from './records';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function frozenCopy(
  source: Record<string, string> | null | undefined,
): StringMap {
  return Object.freeze({ ...(source ?? {}) });
}

/**
 * Reduces a Deployment, StatefulSet or DaemonSet to the record the inventory keeps. The kind is
 * given apart because items of a list response carry no `kind` of their own. Returns undefined
 * for other kinds and for objects without a name or namespace.
 *
 * @public
 */
export function projectWorkload(
  kind: string,
  object: KubeWorkloadObject,
): WorkloadRecord | undefined {
  const meta = object.metadata;
  if (!WORKLOAD_KINDS.has(kind) || !meta?.name || !meta.namespace) {
    return undefined;
  }
  const spec = object.spec ?? {};
  const status = object.status ?? {};
  const template = spec.template ?? {};
  const images: Record<string, string> = {};
  for (const container of [
    ...(template.spec?.initContainers ?? []),
    ...(template.spec?.containers ?? []),
  ]) {
    if (container.name && container.image) {
      images[container.name] = container.image;
    }
  }
  const daemonSet = kind === 'DaemonSet';
  return {
    kind: kind as WorkloadRecord['kind'],
    namespace: meta.namespace,
    name: meta.name,
    labels: frozenCopy(meta.labels),
    podLabels: frozenCopy(template.metadata?.labels),
    podAnnotations: frozenCopy(template.metadata?.annotations),
    images: Object.freeze(images),
    // A DaemonSet has no replica count: it wants one pod per eligible node.
    replicas: daemonSet
      ? status.desiredNumberScheduled ?? 0
      : spec.replicas ?? 1,
    readyReplicas: (daemonSet ? status.numberReady : status.readyReplicas) ?? 0,
    updatedReplicas:
      (daemonSet ? status.updatedNumberScheduled : status.updatedReplicas) ?? 0,
    availableReplicas:
      (daemonSet ? status.numberAvailable : status.availableReplicas) ?? 0,
    paused: kind === 'Deployment' && spec.paused === true,
    onDelete: kind !== 'Deployment' && spec.updateStrategy?.type === 'OnDelete',
    generation: meta.generation ?? 0,
    observedGeneration: status.observedGeneration ?? 0,
  };
}
