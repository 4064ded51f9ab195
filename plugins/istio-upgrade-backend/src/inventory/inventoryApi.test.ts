import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  componentEntity,
  MeshSimulatorProcess,
  meshSimulatorBackendSetup,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';

jest.setTimeout(180_000);

const productpage = componentEntity('productpage', {
  'backstage.io/kubernetes-id': 'productpage',
  'backstage.io/kubernetes-namespace': 'bookinfo',
});
const unmapped = componentEntity('docs-site', {});

describe('the inventory API against the seed cluster', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    const { istioUpgrade } = meshSimulatorBackendSetup(simulator).config;
    backend = await startInventoryTestBackend(simulator, {
      entities: [productpage, unmapped],
      config: {
        istioUpgrade: {
          ...istioUpgrade,
          requests: { protectedNamespaces: ['nginx'] },
        },
      },
    });
    await eventually(async () => {
      const res = await backend.get('/clusters');
      return res.body.items?.[0]?.sync?.state === 'synced';
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('lists the seed cluster as ready and synced, without its token or CA', async () => {
    const res = await backend.get('/clusters');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'seed',
        entityRef: 'resource:default/seed',
        status: 'ready',
        apiServerHost: new URL(simulator.url).host,
        sync: expect.objectContaining({ state: 'synced', complete: true }),
      }),
    ]);
    const token = simulator.clusters[0].tokens.readOnly;
    expect(res.text).not.toContain(token);
    expect(res.text).not.toContain('BEGIN CERTIFICATE');
  });

  it('marks the namespaces requests may not change as protected: configured ones and the always protected', async () => {
    const res = await backend.get('/clusters/seed/inventory');
    expect(res.status).toBe(200);
    const protectedOf = Object.fromEntries(
      res.body.namespaces.map((n: any) => [n.name, n.protected]),
    );
    expect(protectedOf).toMatchObject({
      nginx: true,
      bookinfo: false,
      'istio-system': true,
    });
  });

  it("serves the seed cluster's control planes, tag, gateways and namespaces", async () => {
    const res = await backend.get('/clusters/seed/inventory');
    expect(res.status).toBe(200);
    const inventory = res.body;
    expect(inventory.cluster.sync.complete).toBe(true);
    expect(
      inventory.controlPlanes.map((c: any) => [
        c.revision,
        c.version,
        c.ready,
        c.isDefault,
      ]),
    ).toEqual([
      ['1-10-4', '1.10.4', true, false],
      ['1-9-7', '1.9.7', true, true],
    ]);
    expect(inventory.tags).toEqual([
      expect.objectContaining({
        name: 'default',
        revision: '1-9-7',
        revisionExists: true,
      }),
    ]);
    expect(inventory.gatewayServices).toEqual([
      expect.objectContaining({
        namespace: 'istio-gateways',
        name: 'istio-ingressgateway',
        liveRevision: '1-9-7',
        standby: [expect.objectContaining({ revision: '1-10-4' })],
      }),
    ]);
    const namespaces = Object.fromEntries(
      inventory.namespaces.map((n: any) => [n.name, n]),
    );
    expect(namespaces.bookinfo).toMatchObject({
      injectionMode: 'legacy',
      desiredRevision: '1-9-7',
      pods: 6,
      podsByRevision: [{ revision: '1-9-7', count: 6, version: '1.9.7' }],
      podsNeedingRestart: 0,
    });
    expect(namespaces.nginx).toMatchObject({
      injectionMode: 'revision',
      desiredRevision: '1-9-7',
    });
  });

  it('summarises the fleet of one cluster', async () => {
    const res = await backend.get('/fleet');
    expect(res.status).toBe(200);
    expect(res.body.clusters).toHaveLength(1);
    expect(res.body.clusters[0]).toMatchObject({
      cluster: expect.objectContaining({ name: 'seed' }),
      newestVersion: '1.10.4',
    });
    expect(
      res.body.clusters[0].revisions.map((r: any) => r.revision).sort(),
    ).toEqual(['1-10-4', '1-9-7']);
    expect(Date.parse(res.body.generatedAt)).not.toBeNaN();
  });

  it("shows productpage's workload in bookinfo with its sidecar revision and migration targets", async () => {
    const res = await backend.get('/entities/component/default/productpage');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/productpage',
      selector: 'backstage.io/kubernetes-id=productpage',
      namespace: 'bookinfo',
    });
    const [seed] = res.body.clusters;
    expect(seed.cluster.name).toBe('seed');
    expect(seed.workloads).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        namespace: 'bookinfo',
        name: 'productpage-v1',
        pods: 1,
        podsByRevision: [{ revision: '1-9-7', count: 1, version: '1.9.7' }],
      }),
    ]);
    expect(seed.namespaces).toEqual([
      expect.objectContaining({
        namespace: expect.objectContaining({
          name: 'bookinfo',
          desiredRevision: '1-9-7',
        }),
        targets: expect.arrayContaining([
          expect.objectContaining({ revision: '1-10-4', verdict: 'allowed' }),
        ]),
      }),
    ]);
  });

  it('answers an entity without Kubernetes annotations with no clusters', async () => {
    const res = await backend.get('/entities/component/default/docs-site');
    expect(res.status).toBe(200);
    expect(res.body.clusters).toEqual([]);
  });

  it('lists each resource kind once, then answers every read from memory without calling the API server', async () => {
    const before = await simulator.sim('GET', 'clusters/seed/stats');
    for (const kind of [
      'namespaces',
      'pods',
      'deployments.apps',
      'statefulsets.apps',
      'daemonsets.apps',
      'services',
      'mutatingwebhookconfigurations.admissionregistration.k8s.io',
      'replicasets.apps',
    ]) {
      expect([kind, before.byVerbAndResource[`list ${kind}`]]).toEqual([
        kind,
        1,
      ]);
    }
    expect(before.byVerb.get ?? 0).toBe(0);

    await simulator.sim('POST', 'clusters/seed/stats/reset');
    for (let i = 0; i < 10; i++) {
      for (const path of [
        '/clusters',
        '/clusters/seed/inventory',
        '/fleet',
        '/entities/component/default/productpage',
      ]) {
        expect((await backend.get(path)).status).toBe(200);
      }
    }
    const after = await simulator.sim('GET', 'clusters/seed/stats');
    expect(after.total).toBe(0);
  });

  it.each([
    ['/clusters/unknown/inventory', 'NotFoundError'],
    ['/entities/component/default/unknown', 'NotFoundError'],
  ])('answers 404 for %s', async (path, name) => {
    const res = await backend.get(path);
    expect(res.status).toBe(404);
    expect(res.body.error.name).toBe(name);
  });

  it.each([
    '/entities/component/Default/productpage',
    '/entities/component/default/-productpage',
    '/entities/9component/default/productpage',
    `/entities/component/default/${'a'.repeat(64)}`,
    `/clusters/${'a'.repeat(64)}/inventory`,
    '/clusters/seed$/inventory',
    '/clusters/-seed/inventory',
  ])('answers 400 for the malformed name in %s', async path => {
    const res = await backend.get(path);
    expect(res.status).toBe(400);
  });

  it.each([
    '/clusters',
    '/clusters/seed/inventory',
    '/fleet',
    '/entities/component/default/productpage',
  ])('answers 401 for %s without credentials', async path => {
    const res = await backend
      .get(path)
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });
});

describe('the inventory API without the read permission', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    backend = await startInventoryTestBackend(simulator, {
      entities: [productpage],
      permission: AuthorizeResult.DENY,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it.each([
    '/clusters',
    '/clusters/seed/inventory',
    '/fleet',
    '/entities/component/default/productpage',
  ])('answers 403 for %s', async path => {
    const res = await backend.get(path);
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });
});
