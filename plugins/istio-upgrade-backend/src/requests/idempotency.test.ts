import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import { ownedComponent } from '../testing/__testUtils__/requestTestKit';

jest.setTimeout(180_000);

const CAROL = 'user:default/carol';
const DAVE = 'user:default/dave';

describe('a reused idempotency key', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const post = (user: string, body: object) =>
    request(backend.server)
      .post('/api/istio-upgrade/requests')
      .set('Authorization', mockCredentials.user.header(user))
      .send(body);
  const get = (id: string) =>
    request(backend.server)
      .get(`/api/istio-upgrade/requests/${id}`)
      .set('Authorization', mockCredentials.user.header(CAROL));

  const migration = {
    type: 'namespace-migration',
    cluster: 'seed',
    revision: '1-10-4',
    target: { namespace: 'nginx' },
    entityRef: 'component:default/nginx',
    idempotencyKey: 'move-nginx-1',
    options: { waveSize: 1 },
  };

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    backend = await startInventoryTestBackend(simulator, {
      token: 'admin',
      entities: [ownedComponent('nginx', 'nginx', CAROL)],
      config: {
        permission: { enabled: true },
        istioUpgrade: {
          clusters: {
            allowedPrivateHosts: ['127.0.0.1'],
            credentials: {
              seed: { serviceAccountToken: simulator.clusters[0].tokens.admin },
            },
          },
          requests: {
            pollIntervalMs: 200,
            sweepInterval: { seconds: 1 },
            defaults: { pauseBetweenWavesSeconds: 0 },
          },
        },
      },
    });
    await eventually(async () => {
      const res = await backend.get('/clusters/seed/inventory');
      return res.body?.cluster?.sync?.complete;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('returns the request it made for the same body, and 422 for another, before and after it ran', async () => {
    const first = await post(CAROL, migration);
    expect(first.status).toBe(202);

    const again = await post(CAROL, migration);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);

    // The target is busy; a different body is still a 422, not a 409.
    const other = await post(CAROL, {
      ...migration,
      options: { waveSize: 2 },
    });
    expect(other.status).toBe(422);
    expect(other.body.error.message).toContain(first.body.id);

    const done = await eventually(async () => {
      const res = await get(first.body.id);
      return res.body.state === 'succeeded' ? res.body : undefined;
    });
    expect(done.id).toBe(first.body.id);

    // Now nginx already runs 1-10-4: the prechecks would fail, but the key answers first.
    const replay = await post(CAROL, migration);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({
      id: first.body.id,
      state: 'succeeded',
    });
    const changed = await post(CAROL, {
      ...migration,
      revision: '1-9-7',
    });
    expect(changed.status).toBe(422);
    expect(changed.body.error.message).toMatch(/already used for request/);
  });

  it("is the requester's own: another person's same key is another request", async () => {
    const dave = await post(DAVE, {
      ...migration,
      revision: '1-9-7',
      dryRun: true,
    });
    // Dave's dry run is judged on its own merits (he owns nothing here), not by Carol's key.
    expect(dave.status).not.toBe(422);
  });
});
