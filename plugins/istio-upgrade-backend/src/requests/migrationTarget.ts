import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ClusterInventory,
  CreateRequest,
  matchesLabelSelector,
  parseLabelSelector,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { entitySelection } from '../catalog/entitySelection';
import { RequestSettings } from './requestConfig';
import { RequestPlanner } from './RequestPlanner';

/** What the checks of a migration's namespace read. */
export interface MigrationTargetContext {
  planner: RequestPlanner;
  settings: RequestSettings;
}

/**
 * A namespace migration needs a complete inventory, and a namespace that exists and is not protected.
 *
 * @returns the cluster's inventory
 */
async function checkNamespace(
  { planner, settings }: MigrationTargetContext,
  cluster: string,
  namespace: string | undefined,
): Promise<ClusterInventory> {
  const inventory = await planner.inventory(cluster);
  if (!inventory.cluster.sync.complete) {
    throw new ServiceUnavailableError(
      `The inventory of cluster ${cluster} is not complete yet (${inventory.cluster.sync.state}); try again when it is synced`,
    );
  }
  if (namespace && settings.protectedNamespaces.includes(namespace)) {
    throw new InputError(
      `Namespace ${namespace} is protected: requests may not change it`,
    );
  }
  if (namespace && !inventory.namespaces.some(n => n.name === namespace)) {
    throw new NotFoundError(
      `Namespace ${namespace} does not exist in cluster ${cluster}`,
    );
  }
  return inventory;
}

/**
 * The migrate permission is granted per entity, so a migration may only touch a namespace where that
 * entity runs: one of its workloads (found as the Kubernetes plugin finds them) is in the namespace.
 *
 * @throws NotAllowedError otherwise
 */
async function checkEntityRunsIn(
  context: MigrationTargetContext,
  entity: Entity,
  cluster: string,
  namespace: string | undefined,
): Promise<void> {
  const inventory = await checkNamespace(context, cluster, namespace);
  const selection = entitySelection(entity);
  const entityRef = stringifyEntityRef(entity);
  if (!selection || !namespace) {
    throw new NotAllowedError(
      `${entityRef} is not mapped to workloads (backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector): it cannot be migrated`,
    );
  }
  if (selection.namespace && selection.namespace !== namespace) {
    throw new NotAllowedError(
      `${entityRef} runs in namespace ${selection.namespace}, not ${namespace}`,
    );
  }
  const selector = parseLabelSelector(selection.selector);
  const runs = inventory.workloads.some(
    w =>
      w.namespace === namespace &&
      (matchesLabelSelector(selector, w.labels) ||
        matchesLabelSelector(selector, w.podLabels)),
  );
  if (!runs) {
    throw new NotAllowedError(
      `${entityRef} has no workload in namespace ${namespace} of cluster ${cluster}`,
    );
  }
}

/**
 * A migration's namespace: where its entity runs, or (without an entity) any unprotected one. Other
 * request types pass.
 */
export async function checkMigrationTarget(
  context: MigrationTargetContext,
  body: CreateRequest,
  entity: Entity | undefined,
): Promise<void> {
  if (body.type !== 'namespace-migration') return;
  if (entity) {
    await checkEntityRunsIn(
      context,
      entity,
      body.cluster,
      body.target.namespace,
    );
    return;
  }
  await checkNamespace(context, body.cluster, body.target.namespace);
  if (body.options?.restartScope === 'entity') {
    throw new InputError(
      'restartScope entity restarts the workloads of an entity: name it (entityRef)',
    );
  }
}
