import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EntityIstioView } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { InventoryService } from '../inventory/InventoryService';
import { entitySelection } from '../service/entitySelection';

/**
 * An entity's workloads across clusters, as `GET /entities/{kind}/{namespace}/{name}` answers: the
 * entity is read with the caller's credentials, so one they may not see is not found. `undefined`
 * when the entity names no workloads (no Kubernetes annotations).
 *
 * @throws NotFoundError when the caller cannot see the entity
 */
export async function entityIstioView(options: {
  catalog: CatalogService;
  inventory: InventoryService;
  credentials: BackstageCredentials;
  entityRef: string;
}): Promise<EntityIstioView | undefined> {
  const { catalog, inventory, credentials, entityRef } = options;
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) {
    throw new NotFoundError(`No entity ${entityRef} in the catalog`);
  }
  const selection = entitySelection(entity);
  return selection ? inventory.getEntityView(selection) : undefined;
}

/**
 * The namespace of the entity's workloads in `cluster` a migration moves: `namespace` when given and
 * the entity runs there, else the only one it runs in.
 *
 * @throws InputError when the entity runs nowhere in the cluster, not in `namespace`, or in several
 * namespaces and none was named
 */
export function migrationNamespace(
  view: EntityIstioView | undefined,
  entityRef: string,
  cluster: string,
  namespace: string | undefined,
): string {
  if (!view) {
    throw new InputError(
      `${entityRef} names no Kubernetes workloads (no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation)`,
    );
  }
  const namespaces =
    view.clusters
      .find(c => c.cluster.name === cluster)
      ?.namespaces.map(n => n.namespace.name) ?? [];
  if (namespace !== undefined) {
    if (!namespaces.includes(namespace)) {
      throw new InputError(
        `${entityRef} has no workloads in namespace ${namespace} of cluster ${cluster}${
          namespaces.length ? ` (it runs in ${namespaces.join(', ')})` : ''
        }`,
      );
    }
    return namespace;
  }
  if (namespaces.length === 1) return namespaces[0];
  if (!namespaces.length) {
    const elsewhere = view.clusters.map(c => c.cluster.name);
    throw new InputError(
      `${entityRef} has no workloads in cluster ${cluster}${
        elsewhere.length ? ` (it runs in ${elsewhere.join(', ')})` : ''
      }`,
    );
  }
  throw new InputError(
    `${entityRef} runs in several namespaces of cluster ${cluster} (${namespaces.join(
      ', ',
    )}): name the namespace`,
  );
}
