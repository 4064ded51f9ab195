import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  CampaignCalls,
  createRouter,
  InventoryReads,
  RequestCalls,
} from './createRouter';

const CAROL = 'user:default/carol';

/** The router alone, in front of services that answer what each test says. */
async function serve(services: {
  inventory?: Partial<InventoryReads>;
  requests?: Partial<RequestCalls>;
  campaigns?: Partial<CampaignCalls>;
}) {
  const unexpected = () => {
    throw new Error('not expected in this test');
  };
  const inventory: InventoryReads = {
    listClusters: jest.fn(unexpected),
    getInventory: jest.fn(unexpected),
    getFleet: jest.fn(unexpected),
    getEntityView: jest.fn(unexpected),
    authorizeRead: jest.fn(unexpected),
    ...services.inventory,
  };
  const requests: RequestCalls = {
    prechecks: jest.fn(unexpected),
    plan: jest.fn(unexpected),
    create: jest.fn(unexpected),
    list: jest.fn(unexpected),
    get: jest.fn(unexpected),
    decide: jest.fn(unexpected),
    rollback: jest.fn(unexpected),
    revisionCandidates: jest.fn(unexpected),
    ...services.requests,
  };
  const campaigns: CampaignCalls = {
    plan: jest.fn(unexpected),
    create: jest.fn(unexpected),
    list: jest.fn(unexpected),
    get: jest.fn(unexpected),
    decide: jest.fn(unexpected),
    skipCluster: jest.fn(unexpected),
    entityWaves: jest.fn(unexpected),
    changeSchedule: jest.fn(unexpected),
    ...services.campaigns,
  };
  const { server } = await startTestBackend({
    features: [
      createBackendPlugin({
        pluginId: 'istio-upgrade',
        register(env) {
          env.registerInit({
            deps: {
              httpAuth: coreServices.httpAuth,
              httpRouter: coreServices.httpRouter,
            },
            async init({ httpAuth, httpRouter }) {
              httpRouter.use(
                await createRouter({
                  httpAuth,
                  catalog: catalogServiceMock({
                    entities: [
                      {
                        apiVersion: 'backstage.io/v1alpha1',
                        kind: 'Component',
                        metadata: { name: 'unmapped', namespace: 'default' },
                        spec: { type: 'service' },
                      },
                    ],
                  }),
                  inventory,
                  requests,
                  campaigns,
                }),
              );
            },
          });
        },
      }),
    ],
  });
  const as = (header: string) => ({
    get: (path: string) =>
      request(server)
        .get(`/api/istio-upgrade${path}`)
        .set('Authorization', header),
    post: (path: string, body: unknown) =>
      request(server)
        .post(`/api/istio-upgrade${path}`)
        .set('Authorization', header)
        .send(body as object),
  });
  return {
    inventory,
    requests,
    carol: as(mockCredentials.user.header(CAROL)),
    as,
  };
}

describe('the REST router', () => {
  it('answers 401 without credentials, before any service is asked', async () => {
    const { inventory, as } = await serve({});
    const res = await as(mockCredentials.none.header()).get('/clusters');
    expect(res.status).toBe(401);
    expect(inventory.listClusters).not.toHaveBeenCalled();
  });

  it("hands the caller's credentials to the service, which checks the permissions", async () => {
    const listClusters = jest.fn(async () => []);
    const { carol } = await serve({ inventory: { listClusters } });
    const res = await carol.get('/clusters');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
    expect(listClusters).toHaveBeenCalledWith(
      expect.objectContaining({
        principal: expect.objectContaining({ userEntityRef: CAROL }),
      }),
    );
  });

  it.each([
    ['NotAllowedError', new NotAllowedError('You may not read'), 403],
    ['NotFoundError', new NotFoundError('No cluster nope'), 404],
  ])('answers a service’s %s with %p', async (name, error, status) => {
    const { carol } = await serve({
      inventory: {
        getInventory: async () => {
          throw error;
        },
      },
    });
    const res = await carol.get('/clusters/nope/inventory');
    expect({ status: res.status, name: res.body.error?.name }).toEqual({
      status,
      name,
    });
  });

  it.each([
    ['an unknown request type', { type: 'delete-cluster' }],
    ['an array body', []],
    [
      'a path as cluster name',
      { type: 'namespace-migration', cluster: '../x' },
    ],
  ])('refuses %s with 400 from the OpenAPI schema', async (_, body) => {
    const { carol, requests } = await serve({});
    const res = await carol.post('/requests', body);
    expect(res.status).toBe(400);
    expect(requests.create).not.toHaveBeenCalled();
    expect(requests.plan).not.toHaveBeenCalled();
  });

  it('refuses a state filter that names no request state (400)', async () => {
    const { carol, requests } = await serve({});
    const res = await carol.get('/requests?state=sleeping');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/No request state sleeping/);
    expect(requests.list).not.toHaveBeenCalled();
  });

  it('answers an entity without Kubernetes annotations with an empty view, once the caller may read', async () => {
    const authorizeRead = jest.fn(async () => {});
    const { carol } = await serve({ inventory: { authorizeRead } });
    const res = await carol.get('/entities/component/default/unmapped');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entityRef: 'component:default/unmapped',
      selector: '',
      clusters: [],
    });
    expect(authorizeRead).toHaveBeenCalledTimes(1);
  });
});
