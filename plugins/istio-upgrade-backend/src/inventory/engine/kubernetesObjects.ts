/*
 * The few fields of Kubernetes JSON that the projections read, typed loosely: objects come from
 * the API server as parsed JSON, and any field may be missing.
 */

/**
 * An owner reference of a Kubernetes object.
 *
 * @public
 */
export interface KubeOwnerReference {
  kind?: string;
  name?: string;
  controller?: boolean;
}

/**
 * The metadata of a Kubernetes object (or a `PartialObjectMetadata`).
 *
 * @public
 */
export interface KubeObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  ownerReferences?: KubeOwnerReference[] | null;
  creationTimestamp?: string | null;
  resourceVersion?: string;
  generation?: number;
}

/**
 * Any Kubernetes object, or a `PartialObjectMetadata`.
 *
 * @public
 */
export interface KubeObject {
  kind?: string;
  metadata?: KubeObjectMeta;
}

/**
 * A container of a pod template.
 *
 * @public
 */
export interface KubeContainer {
  name?: string;
  image?: string;
}

/**
 * A Deployment, StatefulSet, DaemonSet or ReplicaSet, with the fields the inventory reads.
 *
 * @public
 */
export interface KubeWorkloadObject extends KubeObject {
  spec?: {
    replicas?: number;
    paused?: boolean;
    updateStrategy?: { type?: string };
    template?: {
      metadata?: {
        labels?: Record<string, string> | null;
        annotations?: Record<string, string> | null;
      };
      spec?: {
        containers?: KubeContainer[] | null;
        initContainers?: KubeContainer[] | null;
      };
    };
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

/**
 * A Service, with the fields the inventory reads.
 *
 * @public
 */
export interface KubeServiceObject extends KubeObject {
  spec?: {
    type?: string;
    selector?: Record<string, string> | null;
    ports?: Array<{
      name?: string;
      port?: number;
      targetPort?: number | string;
      protocol?: string;
    }> | null;
  };
  status?: {
    loadBalancer?: {
      ingress?: Array<{ ip?: string; hostname?: string }> | null;
    };
  };
}

/**
 * A MutatingWebhookConfiguration, with the fields the inventory reads.
 *
 * @public
 */
export interface KubeWebhookConfigurationObject extends KubeObject {
  webhooks?: Array<{
    name?: string;
    clientConfig?: {
      service?: { namespace?: string; name?: string };
      url?: string;
    };
  }> | null;
}
