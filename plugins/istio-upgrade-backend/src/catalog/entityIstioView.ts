import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EntityIstioView } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { InventoryService } from '../inventory/InventoryService';
import { entitySelection } from './entitySelection';

/**
 * An entity's workloads across clusters, as `GET /entities/{kind}/{namespace}/{name}` answers: the
 * entity is read with the caller's credentials, so one they may not see is not found, and the
 * inventory checks that they may read it. `undefined` when the entity names no workloads (no
 * Kubernetes annotations).
 *
 * @throws NotFoundError when the caller cannot see the entity, NotAllowedError when they may not
 * read the inventory
 */
export async function entityIstioView(options: {
  catalog: CatalogService;
  inventory: Pick<InventoryService, 'authorizeRead' | 'getEntityView'>;
  credentials: BackstageCredentials;
  entityRef: string;
}): Promise<EntityIstioView | undefined> {
  const { catalog, inventory, credentials, entityRef } = options;
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) {
    throw new NotFoundError(`No entity ${entityRef} in the catalog`);
  }
  const selection = entitySelection(entity);
  if (!selection) {
    // Even an entity without workloads is an answer about the inventory.
    await inventory.authorizeRead(credentials);
    return undefined;
  }
  return inventory.getEntityView(selection, credentials);
}
