import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import express from 'express';
import { InventoryService } from '../inventory/InventoryService';
import { createOpenApiRouter } from '../schema/openapi';
import { entitySelection } from './entitySelection';

/**
 * The REST API of DESIGN.md section 8, validated against `src/schema/openapi.yaml`.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  inventory: InventoryService;
}): Promise<express.Router> {
  const { httpAuth, permissions, catalog, inventory } = options;
  const router = await createOpenApiRouter();

  async function authorizeRead(req: express.Request) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: istioInventoryReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read the Istio inventory');
    }
    return credentials;
  }

  router.get('/clusters', async (req, res) => {
    await authorizeRead(req);
    res.json({ items: await inventory.listClusters() });
  });

  router.get('/clusters/:cluster/inventory', async (req, res) => {
    await authorizeRead(req);
    res.json(await inventory.getInventory(req.params.cluster));
  });

  router.get('/fleet', async (req, res) => {
    await authorizeRead(req);
    res.json(await inventory.getFleet());
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await authorizeRead(req);
    const { kind, namespace, name } = req.params;
    // Read with the caller's credentials: an entity they may not see is not found.
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(
        `No entity ${kind}:${namespace}/${name} in the catalog`,
      );
    }
    const selection = entitySelection(entity);
    if (!selection) {
      res.json({
        entityRef: `${entity.kind}:${namespace}/${name}`.toLocaleLowerCase(
          'en-US',
        ),
        selector: '',
        clusters: [],
      });
      return;
    }
    res.json(await inventory.getEntityView(selection));
  });

  return router;
}
