import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ACTIVE_REQUEST_STATES,
  CampaignState,
  FINAL_REQUEST_STATES,
  RequestState,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import express from 'express';
import { CampaignService } from '../campaigns/CampaignService';
import { entityIstioView } from '../catalog/entityIstioView';
import { InventoryService } from '../inventory/InventoryService';
import { RequestService } from '../requests/RequestService';
import { createOpenApiRouter } from '../schema/openapi';

/** Request bodies are small JSON documents; anything larger is refused before parsing. */
const BODY_LIMIT = '64kb';
/**
 * A campaign's body lists clusters and windows: large enough that a body over the campaign limits
 * (1,000 clusters) is read and refused with that reason, not for its size.
 */
const CAMPAIGN_BODY_LIMIT = '2mb';

/** What the REST API reads of the inventory. */
export type InventoryReads = Pick<
  InventoryService,
  | 'listClusters'
  | 'getInventory'
  | 'getFleet'
  | 'getEntityView'
  | 'authorizeRead'
>;

/** What the REST API does with requests. */
export type RequestCalls = Pick<
  RequestService,
  | 'prechecks'
  | 'plan'
  | 'create'
  | 'list'
  | 'get'
  | 'decide'
  | 'rollback'
  | 'revisionCandidates'
>;

/** What the REST API does with campaigns. */
export type CampaignCalls = Pick<
  CampaignService,
  | 'plan'
  | 'create'
  | 'list'
  | 'get'
  | 'decide'
  | 'skipCluster'
  | 'entityWaves'
  | 'changeSchedule'
>;

const CAMPAIGN_STATES: ReadonlyArray<string> = [
  'pending-approval',
  'approved',
  'running',
  'paused',
  'aborting',
  'succeeded',
  'failed',
  'aborted',
  'rejected',
];

/**
 * The states of a campaign `state` filter (comma separated).
 *
 * @throws InputError for a state campaigns never have
 */
function campaignStates(state: string): CampaignState[] {
  const states = state.split(',');
  const unknown = states.filter(s => !CAMPAIGN_STATES.includes(s));
  if (unknown.length > 0) {
    throw new InputError(`No campaign state ${unknown.join(', ')}`);
  }
  return states as CampaignState[];
}

const STATES: ReadonlyArray<string> = [
  ...ACTIVE_REQUEST_STATES,
  ...FINAL_REQUEST_STATES,
];

/**
 * The states of a `state` filter (comma separated).
 *
 * @throws InputError for a state requests never have
 */
function requestStates(state: string): RequestState[] {
  const states = state.split(',');
  const unknown = states.filter(s => !isRequestState(s));
  if (unknown.length > 0) {
    throw new InputError(`No request state ${unknown.join(', ')}`);
  }
  return states.filter(isRequestState);
}

function isRequestState(state: string): state is RequestState {
  return STATES.includes(state);
}

/**
 * The REST API (docs/architecture.md#rest-api), validated against `src/schema/openapi.yaml`. The
 * services it calls check the caller's permissions themselves.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  inventory: InventoryReads;
  requests: RequestCalls;
  campaigns: CampaignCalls;
}): Promise<express.Router> {
  const { httpAuth, catalog, inventory, requests, campaigns } = options;
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
      (() => {
        const small = express.json({ limit: BODY_LIMIT });
        const campaign = express.json({ limit: CAMPAIGN_BODY_LIMIT });
        return (
          req: express.Request,
          res: express.Response,
          next: express.NextFunction,
        ) =>
          req.method === 'POST' && req.path === '/campaigns'
            ? campaign(req, res, next)
            : small(req, res, next);
      })(),
    ],
  });

  router.get('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json({ items: await inventory.listClusters(credentials) });
  });

  router.get('/clusters/:cluster/inventory', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await inventory.getInventory(req.params.cluster, credentials));
  });

  router.get('/fleet', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await inventory.getFleet(credentials));
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = `${req.params.kind}:${req.params.namespace}/${req.params.name}`;
    const view = await entityIstioView({
      catalog,
      inventory,
      credentials,
      entityRef,
    });
    res.json(
      view ?? {
        entityRef: entityRef.toLocaleLowerCase('en-US'),
        selector: '',
        clusters: [],
      },
    );
  });

  router.get('/clusters/:cluster/revision-candidates', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(
      await requests.revisionCandidates(req.params.cluster, credentials),
    );
  });

  router.get('/clusters/:cluster/prechecks', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const {
      type,
      revision,
      namespace,
      service,
      tag,
      gateway,
      version,
      entityRef,
    } = req.query;
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
            ...(version ? { version } : {}),
          },
          ...(entityRef ? { entityRef } : {}),
        },
        credentials,
      ),
    );
  });

  router.get('/requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef, cluster, state, type, limit } = req.query;
    const items = await requests.list(
      {
        entityRef,
        cluster,
        type,
        states: state ? requestStates(state) : undefined,
        limit: limit ? Number(limit) : undefined,
      },
      credentials,
    );
    res.json({ items });
  });

  router.post('/requests', async (req, res) => {
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
    const credentials = await httpAuth.credentials(req);
    res.json(await requests.get(req.params.id, credentials));
  });

  for (const action of ['approve', 'reject', 'cancel'] as const) {
    router.post(`/requests/:id/${action}`, async (req, res) => {
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

  router.get('/campaigns', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { state, cluster } = req.query;
    const items = await campaigns.list(
      { states: state ? campaignStates(state) : undefined, cluster },
      credentials,
    );
    res.json({ items });
  });

  router.post('/campaigns', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { dryRun, ...body } = req.body;
    if (dryRun) {
      res.status(200).json(await campaigns.plan(body, credentials));
      return;
    }
    res.status(202).json(await campaigns.create(body, credentials, req));
  });

  router.get('/campaigns/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await campaigns.get(req.params.id, credentials));
  });

  for (const action of [
    'approve',
    'reject',
    'pause',
    'resume',
    'abort',
  ] as const) {
    router.post(`/campaigns/:id/${action}`, async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      res.json(
        await campaigns.decide(
          action,
          req.params.id,
          req.body?.comment,
          credentials,
          req,
        ),
      );
    });
  }

  router.post('/campaigns/:id/clusters/:cluster/skip', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await campaigns.skipCluster(
        req.params.id,
        req.params.cluster,
        req.body?.comment,
        credentials,
        req,
      ),
    );
  });

  for (const action of ['defer', 'opt-in'] as const) {
    router.post(`/campaigns/:id/namespaces/${action}`, async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      res.json(
        await campaigns.changeSchedule(
          action,
          req.params.id,
          req.body,
          credentials,
          req,
        ),
      );
    });
  }

  router.get(
    '/entities/:kind/:namespace/:name/campaign-waves',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const entityRef = `${req.params.kind}:${req.params.namespace}/${req.params.name}`;
      res.json({
        items: await campaigns.entityWaves(
          entityRef.toLocaleLowerCase('en-US'),
          credentials,
        ),
      });
    },
  );

  return router;
}
