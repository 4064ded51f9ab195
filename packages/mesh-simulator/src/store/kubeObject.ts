/**
 * A loosely typed JSON object. Kubernetes objects are deep, so the simulator reads them
 * with optional chaining rather than modelling every kind.
 *
 * @public
 */
export type JsonObject = { [key: string]: any };

/**
 * Object metadata as Kubernetes serialises it.
 *
 * @public
 */
export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: JsonObject[];
}

/**
 * A reference from a dependent to its owner, used for garbage collection.
 *
 * @public
 */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/**
 * A stored Kubernetes object. Stored objects are never mutated in place: every change
 * stores a new object, which lets pods of one ReplicaSet share their spec subtrees and lets
 * the change history keep references instead of copies.
 *
 * @public
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: any;
}
