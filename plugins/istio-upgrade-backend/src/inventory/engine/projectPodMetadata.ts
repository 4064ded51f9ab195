import { ISTIO_LABELS } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { PodRecord } from './records';
import type { KubeObject, KubeOwnerReference } from './kubernetesObjects';
import { LabelInterner } from './LabelInterner';

function revisionOf(
  annotations: Readonly<Record<string, string>>,
): string | undefined {
  const status = annotations[ISTIO_LABELS.sidecarStatus];
  if (status === undefined) {
    return annotations[ISTIO_LABELS.revision];
  }
  try {
    const parsed: unknown = JSON.parse(status);
    if (parsed && typeof parsed === 'object') {
      const revision = (parsed as { revision?: unknown }).revision;
      if (typeof revision === 'string' && revision !== '') {
        return revision;
      }
    }
  } catch {
    // A malformed status still means the pod was injected; fall through to the other hints.
  }
  // Injectors older than revisions wrote no revision: such a pod came from the revisionless
  // (`default`) install, and it does carry a sidecar.
  return annotations[ISTIO_LABELS.revision] ?? ISTIO_LABELS.defaultTag;
}

function workloadOf(
  owners: KubeOwnerReference[] | null | undefined,
  labels: Readonly<Record<string, string>>,
): string | undefined {
  if (!owners || owners.length === 0) {
    return undefined;
  }
  const owner = owners.find(o => o.controller) ?? owners[0];
  if (!owner.kind || !owner.name) {
    return undefined;
  }
  if (owner.kind === 'ReplicaSet') {
    // A Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`.
    const hash = labels['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) {
      return `Deployment/${owner.name.slice(0, -hash.length - 1)}`;
    }
  }
  return `${owner.kind}/${owner.name}`;
}

function isGateway(annotations: Readonly<Record<string, string>>): boolean {
  const templates = annotations[ISTIO_LABELS.injectTemplates];
  return (
    templates !== undefined &&
    templates.split(',').some(t => t.trim() === 'gateway')
  );
}

/**
 * Reduces a pod's metadata (a `PartialObjectMetadata` from a metadata-only list or watch) to the
 * record the inventory keeps: its sidecar revision (from `sidecar.istio.io/status`, else the
 * `istio.io/rev` annotation), its owning workload (a ReplicaSet resolved to its Deployment),
 * whether it is a gateway, and when it was created. Returns undefined when the object has no
 * name or namespace.
 *
 * @public
 */
export function projectPodMetadata(
  object: KubeObject,
  interner: LabelInterner,
): PodRecord | undefined {
  const meta = object.metadata;
  if (!meta?.name || !meta.namespace) {
    return undefined;
  }
  const labels = interner.labels(meta.labels);
  const annotations = meta.annotations ?? {};
  const record: PodRecord = {
    namespace: interner.text(meta.namespace),
    name: meta.name,
    labels,
  };
  const revision = revisionOf(annotations);
  if (revision !== undefined) {
    record.revision = interner.text(revision);
  }
  const workload = workloadOf(meta.ownerReferences, labels);
  if (workload !== undefined) {
    record.workload = interner.text(workload);
  }
  if (isGateway(annotations)) {
    record.gateway = true;
  }
  const createdAt = meta.creationTimestamp
    ? Date.parse(meta.creationTimestamp)
    : NaN;
  if (!Number.isNaN(createdAt)) {
    record.createdAt = createdAt;
  }
  return record;
}
