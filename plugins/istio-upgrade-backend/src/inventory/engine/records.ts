/*
 * The small records the backend keeps per cluster, projected from Kubernetes objects as they arrive
 * (list or watch event), and from which the inventory is computed. Whole Kubernetes objects are never
 * kept: a pod is reduced to the few fields the Istio rules need.
 */

import type { PodGroup } from './PodGroups';

/**
 * String-keyed labels or annotations.
 *
 * @public
 */
export type StringMap = Readonly<Record<string, string>>;

/**
 * A pod, from its metadata only (`PartialObjectMetadata`): the backend never reads pod specs.
 *
 * @public
 */
export interface PodRecord {
  namespace: string;
  name: string;
  /** The pod's labels. Pods of one workload share one frozen object (interned). */
  labels: StringMap;
  /** The revision its sidecar was injected by (`sidecar.istio.io/status`), absent without a sidecar. */
  revision?: string;
  /** The workload that owns it, as `<Kind>/<name>` (a ReplicaSet resolved to its Deployment). */
  workload?: string;
  /** Whether the pod carries a gateway injection template (`inject.istio.io/templates: gateway`). */
  gateway?: boolean;
  /**
   * When the pod was created (epoch ms): with the control plane's rollouts, it tells which proxy
   * version the pod was injected with.
   */
  createdAt?: number;
}

/**
 * A namespace's name and labels.
 *
 * @public
 */
export interface NamespaceRecord {
  name: string;
  labels: StringMap;
}

/**
 * A Deployment, StatefulSet or DaemonSet: the fields of its spec and status that the inventory, the
 * gateways and the rollout judgement need.
 *
 * @public
 */
export interface WorkloadRecord {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  namespace: string;
  name: string;
  labels: StringMap;
  /** The pod template's labels. */
  podLabels: StringMap;
  /** The pod template's annotations. */
  podAnnotations: StringMap;
  /** Container images of the pod template, by container name. */
  images: StringMap;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  paused: boolean;
  /** StatefulSet or DaemonSet with `updateStrategy.type: OnDelete`. */
  onDelete: boolean;
  generation: number;
  observedGeneration: number;
}

/**
 * A Service's type, selector and ports.
 *
 * @public
 */
export interface ServiceRecord {
  namespace: string;
  name: string;
  type: string;
  selector: StringMap;
  ports: Array<{
    name?: string;
    port: number;
    targetPort?: number | string;
    protocol?: string;
  }>;
  resourceVersion: string;
  /** The load balancer's first ingress IP or host name. */
  externalAddress?: string;
}

/**
 * A MutatingWebhookConfiguration: its name, labels and the Services its webhooks call.
 *
 * @public
 */
export interface WebhookRecord {
  name: string;
  labels: StringMap;
  /** `namespace/name` of each webhook's `clientConfig.service`. */
  services: string[];
  /**
   * Each webhook's `clientConfig.url`: a control plane outside the cluster (an external or remote
   * istiod) serves it.
   */
  urls?: string[];
}

/**
 * Everything the backend holds of one cluster at one moment.
 *
 * @public
 */
export interface ClusterSnapshot {
  namespaces: Iterable<NamespaceRecord>;
  pods: Iterable<PodRecord>;
  /**
   * The same pods, grouped as a store keeps them (`PodGroups`): when given, the inventory counts
   * these and does not read `pods`.
   */
  podGroups?: Iterable<PodGroup>;
  workloads: Iterable<WorkloadRecord>;
  services: Iterable<ServiceRecord>;
  webhooks: Iterable<WebhookRecord>;
  /** Gateway API Gateways of class `istio`; none where the Gateway API is not installed. */
  gatewayApiGateways?: Iterable<GatewayApiGatewayRecord>;
}

/**
 * A Gateway API `Gateway` (`gateway.networking.k8s.io/v1`) of class `istio`: istiod of its revision
 * deploys its Deployment and Service `<name>-istio`.
 *
 * @public
 */
export interface GatewayApiGatewayRecord {
  namespace: string;
  name: string;
  gatewayClassName: string;
  /** Its `istio.io/rev` label (a revision or a tag); absent for the default revision. */
  revisionLabel?: string;
  /** Whether istiod reports it `Programmed`. */
  programmed: boolean;
  resourceVersion: string;
}
