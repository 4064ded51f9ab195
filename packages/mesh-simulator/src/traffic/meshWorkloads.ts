import { resourceTypeNamed } from '../api/resourceTypes';
import { selectorMapMatches } from '../api/selectors';
import { podIsReady } from '../controllers/podStatus';
import { sidecarOf } from '../istio/sidecarInjector';
import { KubeObject } from '../store/kubeObject';
import { ObjectStore } from '../store/objectStore';

/**
 * The ready proxies of one workload (a Deployment, StatefulSet or DaemonSet, as Istio's
 * `destination_workload` names it) with one canonical service and revision: how many ready pods
 * each Istio revision's proxy serves.
 *
 * @public
 */
export interface MeshWorkload {
  namespace: string;
  name: string;
  /** A gateway's proxy (gateway template or Gateway API), not a sidecar. */
  gateway: boolean;
  canonicalService: string;
  canonicalRevision: string;
  /** The first Service (by name) selecting the workload's pods, if any. */
  service?: { namespace: string; name: string };
  /** The labels of one of its pods, for Services' selectors. */
  labels: Record<string, string>;
  /** Ready pods per Istio revision of their proxy. */
  readyByRevision: Map<string, number>;
  readyPods: number;
}

const pods = resourceTypeNamed('pods');
const replicaSets = resourceTypeNamed('replicasets');
const services = resourceTypeNamed('services');

const gatewayNameLabels = [
  'gateway.networking.k8s.io/gateway-name',
  'istio.io/gateway-name',
];

/** Whether a pod's proxy is a gateway: rendered by the gateway template or deployed for a Gateway. */
export function isGatewayPod(pod: KubeObject): boolean {
  const templates = pod.metadata.annotations?.['inject.istio.io/templates'];
  if (templates?.split(',').some(t => t.trim() === 'gateway')) return true;
  return gatewayNameLabels.some(l => pod.metadata.labels?.[l] !== undefined);
}

/** The first label of `names` that is set and not empty. */
function firstLabel(
  labels: Record<string, string>,
  names: string[],
): string | undefined {
  for (const n of names) if (labels[n]) return labels[n];
  return undefined;
}

/**
 * Groups the ready pods that run an Istio proxy by workload, canonical service and canonical
 * revision, counting the ready pods of each proxy revision. The workload is the pod's owner
 * chain (ReplicaSet to Deployment; StatefulSet; DaemonSet; Job), else the pod itself.
 */
export function meshWorkloads(store: ObjectStore): MeshWorkload[] {
  const rsOwners = new Map<string, string>();
  const servicesByNamespace = new Map<string, KubeObject[]>();
  const byKey = new Map<string, MeshWorkload>();
  const workloadOf = (pod: KubeObject): string => {
    const namespace = pod.metadata.namespace ?? '';
    const owner = pod.metadata.ownerReferences?.find(o => o.controller);
    if (!owner) return pod.metadata.name;
    if (owner.kind !== 'ReplicaSet') return owner.name;
    const key = `${namespace}/${owner.name}`;
    let name = rsOwners.get(key);
    if (name === undefined) {
      const rs = store.get(replicaSets, namespace, owner.name);
      name =
        rs?.metadata.ownerReferences?.find(
          o => o.controller && o.kind === 'Deployment',
        )?.name ?? owner.name;
      rsOwners.set(key, name);
    }
    return name;
  };
  const serviceOf = (namespace: string, labels: Record<string, string>) => {
    let list = servicesByNamespace.get(namespace);
    if (!list) {
      list = store
        .list(services, namespace)
        .filter(s => s.spec?.selector && Object.keys(s.spec.selector).length);
      servicesByNamespace.set(namespace, list);
    }
    const found = list.find(s => selectorMapMatches(s.spec.selector, labels));
    return found ? { namespace, name: found.metadata.name } : undefined;
  };
  for (const pod of store.list(pods)) {
    if (pod.metadata.deletionTimestamp || !podIsReady(pod)) continue;
    const sidecar = sidecarOf(pod);
    if (!sidecar) continue;
    const namespace = pod.metadata.namespace ?? '';
    const name = workloadOf(pod);
    const labels = pod.metadata.labels ?? {};
    const canonicalService =
      firstLabel(labels, [
        'service.istio.io/canonical-name',
        'app.kubernetes.io/name',
        'app',
      ]) ?? name;
    const canonicalRevision =
      firstLabel(labels, [
        'service.istio.io/canonical-revision',
        'app.kubernetes.io/version',
        'version',
      ]) ?? 'latest';
    const key = `${namespace}/${name}|${canonicalService}|${canonicalRevision}`;
    let workload = byKey.get(key);
    if (!workload) {
      workload = {
        namespace,
        name,
        gateway: isGatewayPod(pod),
        canonicalService,
        canonicalRevision,
        service: serviceOf(namespace, labels),
        labels,
        readyByRevision: new Map(),
        readyPods: 0,
      };
      byKey.set(key, workload);
    }
    workload.readyPods++;
    workload.readyByRevision.set(
      sidecar.revision,
      (workload.readyByRevision.get(sidecar.revision) ?? 0) + 1,
    );
  }
  return [...byKey.values()];
}
