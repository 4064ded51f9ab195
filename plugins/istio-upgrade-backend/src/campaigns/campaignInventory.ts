import { CatalogService } from '@backstage/plugin-catalog-node';
import { entityIstioView } from '../catalog/entityIstioView';
import { InventoryService } from '../inventory/InventoryService';
import { CampaignInventory } from './CampaignService';

/**
 * What campaigns read of the inventory: a cluster's inventory for planning, and the namespaces an
 * entity's workloads run in (read with the caller's credentials, as the entity view is) for its
 * owners' deferrals and opt-ins.
 */
export function campaignInventory(options: {
  catalog: CatalogService;
  inventory: Pick<
    InventoryService,
    'clusterInventory' | 'authorizeRead' | 'getEntityView'
  >;
}): CampaignInventory {
  const { catalog, inventory } = options;
  return {
    clusterInventory: cluster => inventory.clusterInventory(cluster),
    async entityNamespaces(entityRef, credentials) {
      const view = await entityIstioView({
        catalog,
        inventory,
        credentials,
        entityRef,
      });
      return (view?.clusters ?? []).flatMap(c =>
        c.namespaces.map(ns => ({
          cluster: c.cluster.name,
          namespace: ns.namespace.name,
        })),
      );
    },
  };
}
