import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { istioUpgradePlugin } from '../plugin';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { eventually } from '../testing/__testUtils__/inventoryTestBackend';
import { ownedComponent } from '../testing/__testUtils__/requestTestKit';

jest.setTimeout(240_000);

const CAROL = 'user:default/carol'; // owns productpage
const ERIN = 'user:default/erin'; // owns details
const DAVE = 'user:default/dave'; // owns nothing in bookinfo
const ALICE = 'user:default/alice'; // platform
const BOB = 'user:default/bob'; // platform

const PLATFORM = [ALICE, BOB];

/** Owners migrate their entities' namespaces; the platform team migrates any and approves. */
function policy(requests: any[], credentials: { principal: any }) {
  const who = credentials.principal.userEntityRef;
  return requests.map(({ permission, resourceRef }) => {
    let allowed = true;
    if (permission.name === 'istio-upgrade.namespace.migrate') {
      allowed =
        PLATFORM.includes(who) ||
        (who === CAROL && resourceRef === 'component:default/productpage') ||
        (who === ERIN && resourceRef === 'component:default/details');
    } else if (permission.name !== 'istio-upgrade.inventory.read') {
      allowed = PLATFORM.includes(who);
    }
    return {
      result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    };
  });
}

describe('shared namespaces and ownership', () => {
  let simulator: MeshSimulatorProcess;
  let server: any;
  let stop: () => Promise<void>;

  const as = (user: string) => ({
    get: (path: string) =>
      request(server)
        .get(`/api/istio-upgrade${path}`)
        .set('Authorization', mockCredentials.user.header(user)),
    post: (path: string, body: object = {}) =>
      request(server)
        .post(`/api/istio-upgrade${path}`)
        .set('Authorization', mockCredentials.user.header(user))
        .send(body),
  });
  const settle = (id: string) =>
    eventually(async () => {
      const res = await as(ALICE).get(`/requests/${id}`);
      return ['succeeded', 'failed', 'rolled-back', 'rejected'].includes(
        res.body.state,
      )
        ? res.body
        : undefined;
    }, 120_000);
  const podRevisions = async (namespace: string) =>
    Object.fromEntries(
      JSON.parse(
        await simulator.kubectl(['get', 'pods', '-n', namespace, '-o', 'json']),
      )
        .items.filter((p: any) => !p.metadata.deletionTimestamp)
        .map((p: any) => [
          p.metadata.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''),
          JSON.parse(p.metadata.annotations['sidecar.istio.io/status'])
            .revision,
        ]),
    );
  const migrateBookinfo = (options: object = {}) => ({
    type: 'namespace-migration',
    cluster: 'seed',
    revision: '1-10-4',
    target: { namespace: 'bookinfo' },
    entityRef: 'component:default/productpage',
    options,
  });

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    const backend = await startTestBackend({
      features: [
        istioUpgradePlugin,
        catalogServiceMock.factory({
          entities: [
            ...(setup.entities as Entity[]),
            ownedComponent('productpage', 'bookinfo', CAROL) as Entity,
            ownedComponent('details', 'bookinfo', ERIN) as Entity,
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            ...setup.config,
            permission: { enabled: true },
            istioUpgrade: {
              ...setup.config.istioUpgrade,
              requests: {
                pollIntervalMs: 200,
                sweepInterval: { seconds: 1 },
                defaults: { pauseBetweenWavesSeconds: 0, waveSize: 3 },
              },
            },
          },
        }),
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => ({
            authorize: async (requests: any[], options: any) =>
              policy(requests, options.credentials),
            authorizeConditional: async (requests: any[], options: any) =>
              policy(requests, options.credentials),
          }),
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    await eventually(async () => {
      const res = await as(ALICE).get('/clusters/seed/inventory');
      return res.body?.cluster?.sync?.complete;
    });
  });

  afterAll(async () => {
    await stop?.();
    await simulator?.stop();
  });

  it("holds an owner's whole-namespace migration of a shared namespace for the other owners or an approver", async () => {
    const plan = await as(CAROL).post('/requests', {
      ...migrateBookinfo(),
      dryRun: true,
    });
    expect(plan.status).toBe(200);
    expect(plan.body.approvalRequired).toBe(true);
    expect(plan.body.approvalReason).toMatch(
      /also runs workloads that are not component:default\/productpage's .*Deployment\/details-v1.*user:default\/erin or an approver must approve; restartScope entity restarts only yours/,
    );
    expect(plan.body.plan.sharedWith).toEqual({
      workloads: [
        'Deployment/details-v1',
        'Deployment/ratings-v1',
        'Deployment/reviews-v1',
        'Deployment/reviews-v2',
        'Deployment/reviews-v3',
      ],
      owners: [ERIN],
    });

    const created = await as(CAROL).post('/requests', migrateBookinfo());
    expect(created.status).toBe(202);
    expect(created.body.state).toBe('pending-approval');
    // Dave owns nothing there and holds no approve permission; Erin owns details-v1.
    const byDave = await as(DAVE).post(`/requests/${created.body.id}/approve`);
    expect(byDave.status).toBe(403);
    expect(byDave.body.error.message).toMatch(
      /ownership of the other workloads/,
    );
    const view = await as(ERIN).get(`/requests/${created.body.id}`);
    expect(view.body.allowedActions).toContain('approve');
    const rejected = await as(ERIN).post(
      `/requests/${created.body.id}/reject`,
      { comment: 'details moves next week' },
    );
    expect(rejected.status).toBe(200);
  });

  it('needs no approval when the one asking owns the other workloads too', async () => {
    const plan = await as(ERIN).post('/requests', {
      ...migrateBookinfo(),
      entityRef: 'component:default/details',
      dryRun: true,
    });
    expect(plan.status).toBe(200);
    // Erin owns details; productpage is Carol's, the rest belongs to no entity.
    expect(plan.body.plan.sharedWith).toEqual({
      workloads: [
        'Deployment/productpage-v1',
        'Deployment/ratings-v1',
        'Deployment/reviews-v1',
        'Deployment/reviews-v2',
        'Deployment/reviews-v3',
      ],
      owners: [CAROL],
    });
  });

  it("restarts only the entity's workloads with restartScope entity, without approval; the others keep their proxies", async () => {
    const created = await as(CAROL).post(
      '/requests',
      migrateBookinfo({ restartScope: 'entity' }),
    );
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      state: 'approved',
      approvalRequired: false,
    });
    const done = await settle(created.body.id);
    expect(done.state).toBe('succeeded');
    const revisions = await podRevisions('bookinfo');
    expect(revisions).toEqual({
      'productpage-v1': '1-10-4',
      'details-v1': '1-9-7',
      'ratings-v1': '1-9-7',
      'reviews-v1': '1-9-7',
      'reviews-v2': '1-9-7',
      'reviews-v3': '1-9-7',
    });
    const ns = JSON.parse(
      await simulator.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
    );
    expect(ns.metadata.labels['istio.io/rev']).toBe('1-10-4');
    const inventory = await as(ALICE).get('/clusters/seed/inventory');
    expect(
      inventory.body.namespaces.find((n: any) => n.name === 'bookinfo'),
    ).toMatchObject({ desiredRevision: '1-10-4', podsNeedingRestart: 5 });
  });

  it('lets the platform team migrate a namespace without a catalog entity, and nobody else', async () => {
    const byDave = await as(DAVE).post('/requests', {
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'nginx' },
    });
    expect(byDave.status).toBe(403);
    expect(byDave.body.error.message).toMatch(
      /may not migrate a namespace without a catalog entity/,
    );
    const protectedOne = await as(ALICE).post('/requests', {
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'istio-system' },
    });
    expect(protectedOne.status).toBe(400);
    const created = await as(ALICE).post('/requests', {
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'nginx' },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      state: 'approved',
      approvalRequired: false,
    });
    expect((await settle(created.body.id)).state).toBe('succeeded');
    expect(await podRevisions('nginx')).toEqual({ nginx: '1-10-4' });
  });
});
