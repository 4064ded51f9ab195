import {
  EntityIstioView,
  MigrationTarget,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { isSyncHealthy } from '../ClusterSyncState';

/**
 * What the picker stores: the cluster, the namespace of the entity's workloads in it, and the
 * revision the namespace moves to — the inputs of the `istio:namespace:migrate` action.
 *
 * @public
 */
export type MigrationTargetValue = {
  cluster: string;
  namespace: string;
  revision: string;
};

/** One revision a namespace of the entity could move to, and why it may not when it may not. */
export interface MigrationTargetOption extends MigrationTargetValue {
  key: string;
  clusterTitle: string;
  /** The revision the namespace asks for today. */
  currentRevision?: string;
  target: MigrationTarget;
  /** Absent when the target can be picked. */
  blockedBecause?: string;
}

/** The key of a picked value, unique per cluster, namespace and revision. */
export function optionKey(value: MigrationTargetValue): string {
  return `${value.cluster}/${value.namespace}/${value.revision}`;
}

/**
 * Every migration target of every namespace the entity runs in, in the entity view's order: blocked
 * where the backend's verdict says so, or where the cluster cannot be reached or its inventory is not
 * synced (the plugin's prechecks would refuse the request).
 */
export function migrationTargetOptions(
  view: EntityIstioView,
): MigrationTargetOption[] {
  const options: MigrationTargetOption[] = [];
  for (const entry of view.clusters) {
    const { cluster } = entry;
    let clusterBlocker: string | undefined;
    if (cluster.status !== 'ready') {
      clusterBlocker = `Cluster ${cluster.name} cannot be reached by the portal`;
    } else if (!isSyncHealthy(cluster.sync)) {
      clusterBlocker = `The inventory of ${cluster.name} is ${cluster.sync.state}; wait until it is synced`;
    }
    for (const { namespace, targets } of entry.namespaces) {
      for (const target of targets) {
        const value = {
          cluster: cluster.name,
          namespace: namespace.name,
          revision: target.revision,
        };
        options.push({
          ...value,
          key: optionKey(value),
          clusterTitle: cluster.title ?? cluster.name,
          currentRevision: namespace.desiredRevision,
          target,
          blockedBecause:
            target.verdict === 'allowed' ? clusterBlocker : target.reason,
        });
      }
    }
  }
  return options;
}

/**
 * Why `value` cannot be submitted for the entity, or undefined when it can: it must be one of the
 * entity's targets and not blocked.
 */
export function whyNotPickable(
  value: Partial<MigrationTargetValue> | undefined,
  options: MigrationTargetOption[],
): string | undefined {
  if (!value?.cluster || !value.namespace || !value.revision) {
    return 'Pick the revision your namespace moves to';
  }
  const option = options.find(
    o => o.key === optionKey(value as MigrationTargetValue),
  );
  if (!option) {
    return `${value.revision} is not a revision namespace ${value.namespace} of cluster ${value.cluster} can move to`;
  }
  return option.blockedBecause;
}
