import type { ClusterSnapshot } from './records';

/**
 * One ReplicaSet of an istiod Deployment: from `since`, the revision's control plane ran
 * `version`. An in-place upgrade (same revision, new image) adds a rollout; pods created before
 * it keep the proxy of the previous one.
 *
 * @public
 */
export interface ControlPlaneRollout {
  revision: string;
  version?: string;
  /** The ReplicaSet's creation time, epoch milliseconds. */
  since: number;
}

/**
 * What {@link buildClusterInventory} reads: the backend's snapshot of a cluster and the istiod
 * rollouts it has seen.
 *
 * @public
 */
export type InventoryInput = ClusterSnapshot & {
  controlPlaneRollouts: Iterable<ControlPlaneRollout>;
};
