import { resourceTypeNamed } from '../api/resourceTypes';
import { ObjectStore } from '../store/objectStore';
import { KubeObject } from '../store/kubeObject';
import { defaultRevisionName } from './sailCharts';
import { istioRevisionTagType } from './sailResources';

/**
 * Whether workloads use a revision or a tag, as Sail decides it (`pkg/revision/references.go`,
 * `isRevisionReferenced` in the IstioRevision controller, `isRevisionTagReferencedByWorkloads` in
 * the IstioRevisionTag controller). This decides the `InUse` conditions, and so when a revision
 * that is no longer active may be pruned.
 */

const namespaces = resourceTypeNamed('namespaces');
const pods = resourceTypeNamed('pods');

/** The revision a namespace asks for: `default` for `istio-injection=enabled` (it wins), else its `istio.io/rev`. */
export function referencedFromNamespace(
  labels: Record<string, string> | undefined,
): string {
  if (labels?.['istio-injection'] === 'enabled') return defaultRevisionName;
  return labels?.['istio.io/rev'] ?? '';
}

/** The revision a pod's labels ask for (unless `sidecar.istio.io/inject=false`). */
export function referencedFromPod(
  labels: Record<string, string> | undefined,
): string {
  if (labels?.['sidecar.istio.io/inject'] === 'false') return '';
  const rev = labels?.['istio.io/rev'];
  if (rev) return rev;
  return labels?.['sidecar.istio.io/inject'] === 'true'
    ? defaultRevisionName
    : '';
}

/** The revision that injected a pod: its `istio.io/rev` annotation. */
export function injectedRevision(pod: KubeObject): string {
  return pod.metadata.annotations?.['istio.io/rev'] ?? '';
}

const enabledByDefault = (revision: KubeObject | undefined) =>
  revision?.spec?.values?.sidecarInjectorWebhook?.enableNamespacesByDefault ===
  true;

/**
 * Whether a namespace, or a pod that is not finished, references `name`: a namespace by its
 * injection labels; a pod by its labels when its namespace has none, or (with `byInjection`,
 * for revisions) by the revision that injected it.
 */
function referencedByWorkloads(
  store: ObjectStore,
  name: string,
  byInjection: boolean,
): boolean {
  const labelsOf = new Map<string, Record<string, string> | undefined>();
  for (const ns of store.list(namespaces)) {
    if (referencedFromNamespace(ns.metadata.labels) === name) return true;
    labelsOf.set(ns.metadata.name, ns.metadata.labels);
  }
  for (const pod of store.list(pods)) {
    const namespace = pod.metadata.namespace!;
    if (pod.status?.phase === 'Succeeded' || !labelsOf.has(namespace)) continue;
    if (byInjection && injectedRevision(pod) === name) return true;
    if (
      referencedFromNamespace(labelsOf.get(namespace)) === '' &&
      referencedFromPod(pod.metadata.labels) === name
    ) {
      return true;
    }
  }
  return false;
}

/**
 * An IstioRevision is in use while a tag resolves to it (`status.istioRevision`), a namespace
 * names it, a running pod was injected by it, or a pod in a namespace without injection labels
 * names it; the `default` revision also while it injects every namespace by default.
 */
export function revisionInUse(store: ObjectStore, revision: KubeObject) {
  const name = revision.metadata.name;
  return (
    store
      .list(istioRevisionTagType)
      .some(t => t.status?.istioRevision === name) ||
    referencedByWorkloads(store, name, true) ||
    (name === defaultRevisionName && enabledByDefault(revision))
  );
}

/**
 * An IstioRevisionTag is in use while a namespace names it, or a pod in a namespace without
 * injection labels names it; the `default` tag also while its revision injects every namespace.
 */
export function tagInUse(
  store: ObjectStore,
  tag: KubeObject,
  target: KubeObject | undefined,
) {
  const name = tag.metadata.name;
  return (
    referencedByWorkloads(store, name, false) ||
    (name === defaultRevisionName && enabledByDefault(target))
  );
}
