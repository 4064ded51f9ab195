import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import express from 'express';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { createOpenApiRouter } from '../schema/openapi';

/**
 * The REST API of DESIGN.md section 8, validated against `src/schema/openapi.yaml`.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusters: ClusterDirectory;
}): Promise<express.Router> {
  const { httpAuth, permissions, clusters } = options;
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
    const entries = await clusters.list();
    res.json({ items: entries.map(entry => entry.cluster) });
  });

  return router;
}
