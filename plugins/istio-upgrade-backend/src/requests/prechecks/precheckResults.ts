import {
  ClusterInventory,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

export const pass = (id: string, message: string): Precheck => ({
  id,
  status: 'pass',
  message,
});

export const warn = (id: string, message: string): Precheck => ({
  id,
  status: 'warn',
  message,
});

export const fail = (id: string, message: string): Precheck => ({
  id,
  status: 'fail',
  message,
});

/** Requests may not change a protected namespace (the built-in ones and those config adds). */
export function namespaceProtectedCheck(
  namespace: string,
  protectedNamespaces: string[],
): Precheck {
  return protectedNamespaces.includes(namespace)
    ? fail(
        'namespace-protected',
        `Namespace ${namespace} is protected: requests may not change it`,
      )
    : pass('namespace-protected', `Namespace ${namespace} is not protected`);
}

/** Nothing is decided on a partial inventory: the cluster's first list must be complete. */
export function clusterSyncedCheck(inventory: ClusterInventory): Precheck {
  const { name, sync } = inventory.cluster;
  return sync.complete
    ? pass('cluster-synced', `The inventory of ${name} is ${sync.state}`)
    : fail(
        'cluster-synced',
        `The inventory of ${name} is not complete (${sync.state}); try again when it is synced`,
      );
}
