import {
  ClusterInventory,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { clusterSyncedCheck, namespaceProtectedCheck } from './precheckResults';

/**
 * The first prechecks of a change in one namespace: the namespace is not protected and the cluster's
 * inventory is complete. `stop` when the namespace is protected: nothing else is checked then.
 */
export function namespaceChangeChecks(facts: {
  inventory: ClusterInventory;
  namespace: string;
  protectedNamespaces: string[];
}): { checks: Precheck[]; stop: boolean } {
  const protectedCheck = namespaceProtectedCheck(
    facts.namespace,
    facts.protectedNamespaces,
  );
  if (protectedCheck.status === 'fail') {
    return { checks: [protectedCheck], stop: true };
  }
  return {
    checks: [protectedCheck, clusterSyncedCheck(facts.inventory)],
    stop: false,
  };
}
