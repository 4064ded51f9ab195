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
import { RequestService } from '../requests/RequestService';
import { createOpenApiRouter } from '../schema/openapi';
import { entitySelection } from './entitySelection';

/** Request bodies are small JSON documents; anything larger is refused before parsing. */
const BODY_LIMIT = '64kb';

/**
 * The REST API (docs/architecture.md#rest-api), validated against `src/schema/openapi.yaml`.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  inventory: InventoryService;
  requests: RequestService;
}): Promise<express.Router> {
  const { httpAuth, permissions, catalog, inventory, requests } = options;
  const router = await createOpenApiRouter({
    middleware: [
      // A decision may come without a body (no comment): read it as an empty JSON object.
      (req, _res, next) => {
        const length = req.headers['content-length'];
        if (
          req.method === 'POST' &&
          !req.headers['content-type'] &&
          (length === undefined || length === '0')
        ) {
          req.headers['content-type'] = 'application/json';
        }
        next();
      },
      express.json({ limit: BODY_LIMIT }),
    ],
  });

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

  router.get('/clusters/:cluster/prechecks', async (req, res) => {
    const credentials = await authorizeRead(req);
    const { type, revision, namespace, service, tag, gateway, entityRef } =
      req.query;
    res.json(
      await requests.prechecks(
        {
          type,
          cluster: req.params.cluster,
          revision,
          target: {
            ...(namespace ? { namespace } : {}),
            ...(service ? { service } : {}),
            ...(tag ? { tag } : {}),
            ...(gateway ? { gateway } : {}),
          },
          ...(entityRef ? { entityRef } : {}),
        },
        credentials,
      ),
    );
  });

  router.get('/requests', async (req, res) => {
    const credentials = await authorizeRead(req);
    const { entityRef, cluster, state, type, limit } = req.query;
    const items = await requests.list(
      {
        entityRef,
        cluster,
        type,
        states: state ? (state.split(',') as any) : undefined,
        limit: limit ? Number(limit) : undefined,
      },
      credentials,
    );
    res.json({ items });
  });

  router.post('/requests', async (req, res) => {
    await authorizeRead(req);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (req.body.dryRun) {
      res.status(200).json(await requests.plan(req.body, credentials));
      return;
    }
    res.status(202).json(await requests.create(req.body, credentials, req));
  });

  router.get('/requests/:id', async (req, res) => {
    const credentials = await authorizeRead(req);
    res.json(await requests.get(req.params.id, credentials));
  });

  for (const action of ['approve', 'reject', 'cancel'] as const) {
    router.post(`/requests/:id/${action}`, async (req, res) => {
      await authorizeRead(req);
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      res.json(
        await requests.decide(
          action,
          req.params.id,
          req.body?.comment,
          credentials,
          req,
        ),
      );
    });
  }

  router.post('/requests/:id/rollback', async (req, res) => {
    await authorizeRead(req);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res
      .status(202)
      .json(
        await requests.rollback(
          req.params.id,
          req.body?.comment,
          credentials,
          req,
        ),
      );
  });

  return router;
}
