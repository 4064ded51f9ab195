import { mockCredentials } from '@backstage/backend-test-utils';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import { FAST_REQUESTS } from '../testing/__testUtils__/requestTestKit';

jest.setTimeout(300_000);

const CAROL = 'user:default/carol';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** A component owned by Carol, mapped to its workloads as the Kubernetes plugin maps them. */
function ownedComponent(name: string, namespace: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': namespace,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: CAROL },
    relations: [{ type: 'ownedBy', targetRef: CAROL }],
  };
}

/**
 * The zero-downtime canary upgrade, done through the REST API on the seed cluster: migrate nginx,
 * migrate bookinfo, cut the ingress gateway over (approved by someone else), move the default tag, see
 * 1-9-7 reported safe to remove — the traffic probe at zero failed requests throughout — then roll the
 * cutover back, again without a failure.
 */
describe('a canary upgrade end to end through the REST API', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const api = (user: string) => {
    const auth = mockCredentials.user.header(user);
    return {
      get: (path: string) =>
        request(backend.server)
          .get(`/api/istio-upgrade${path}`)
          .set('Authorization', auth),
      post: (path: string, body: object = {}) =>
        request(backend.server)
          .post(`/api/istio-upgrade${path}`)
          .set('Authorization', auth)
          .send(body),
    };
  };

  const settle = (id: string) =>
    eventually(
      async () => {
        const res = await api(ALICE).get(`/requests/${id}`);
        return ['succeeded', 'failed', 'rolled-back', 'cancelled'].includes(
          res.body.state,
        )
          ? res.body
          : undefined;
      },
      180_000,
      300,
    );

  const traffic = () => simulator.sim('GET', 'clusters/seed/traffic');

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    backend = await startInventoryTestBackend(simulator, {
      token: 'admin',
      entities: [
        ...['productpage', 'details', 'reviews', 'ratings'].map(name =>
          ownedComponent(name, 'bookinfo'),
        ),
        ownedComponent('nginx', 'nginx'),
      ],
      config: {
        permission: { enabled: true },
        istioUpgrade: { ...setup.config.istioUpgrade, requests: FAST_REQUESTS },
      },
    });
    await eventually(async () => {
      const res = await api(ALICE).get('/clusters/seed/inventory');
      return res.body?.cluster?.sync?.complete ? res.body : undefined;
    });
    await simulator.sim('POST', 'clusters/seed/traffic/reset');
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('upgrades the lab with zero failed requests, and rolls the cutover back with zero too', async () => {
    // 1. nginx, by its owner: no approval needed.
    const nginx = await api(CAROL).post('/requests', {
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'nginx' },
      entityRef: 'component:default/nginx',
    });
    expect(nginx.body.error?.message ?? '').toBe('');
    expect(nginx.status).toBe(202);
    expect(nginx.body).toMatchObject({
      state: 'approved',
      approvalRequired: false,
    });
    expect((await settle(nginx.body.id)).state).toBe('succeeded');

    // 2. bookinfo: from istio-injection=enabled to istio.io/rev=1-10-4, six workloads in waves.
    const plan = await api(CAROL).post('/requests', {
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
      dryRun: true,
    });
    expect(plan.status).toBe(200);
    expect(plan.body.plan.patches[0]).toEqual({
      step: 'relabel-namespace',
      kind: 'Namespace',
      name: 'bookinfo',
      patchType: 'merge',
      patch: {
        metadata: {
          labels: { 'istio.io/rev': '1-10-4', 'istio-injection': null },
        },
      },
    });
    expect(plan.body.plan.waves).toHaveLength(2);
    expect(plan.body.prechecks.passed).toBe(true);

    const bookinfo = await api(CAROL).post('/requests', {
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
    });
    expect(bookinfo.status).toBe(202);
    // The namespace is busy: a second request is a conflict, whatever its prechecks would say.
    const again = await api(CAROL).post('/requests', {
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(bookinfo.body.id);
    const migrated = await settle(bookinfo.body.id);
    expect(migrated.state).toBe('succeeded');
    expect(migrated.progress).toEqual(
      expect.objectContaining({ podsInScope: 6, podsMigrated: 6 }),
    );
    expect(
      migrated.events.filter((e: any) => e.type === 'cluster-write'),
    ).toHaveLength(7);

    const pods = JSON.parse(
      await simulator.kubectl(['get', 'pods', '-n', 'bookinfo', '-o', 'json']),
    );
    expect(pods.items).toHaveLength(6);
    for (const pod of pods.items) {
      expect(
        JSON.parse(pod.metadata.annotations['sidecar.istio.io/status'])
          .revision,
      ).toBe('1-10-4');
      const proxy = pod.spec.containers.find(
        (c: any) => c.name === 'istio-proxy',
      );
      expect(proxy.image).toMatch(/proxyv2:1\.10\.4$/);
    }

    // 3. The gateway cutover waits for approval; its requester cannot approve it.
    const cutover = await api(ALICE).post('/requests', {
      type: 'gateway-cutover',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'istio-gateways', service: 'istio-ingressgateway' },
    });
    expect(cutover.status).toBe(202);
    expect(cutover.body).toMatchObject({
      state: 'pending-approval',
      approvalRequired: true,
    });
    expect(cutover.body.allowedActions).not.toContain('approve');
    expect(cutover.body.notAllowedBecause.approve).toMatch(/own request/);
    const self = await api(ALICE).post(`/requests/${cutover.body.id}/approve`);
    expect(self.status).toBe(403);
    const approved = await api(BOB).post(
      `/requests/${cutover.body.id}/approve`,
      {
        comment: 'green is warm',
      },
    );
    expect(approved.status).toBe(200);
    expect((await settle(cutover.body.id)).state).toBe('succeeded');
    const svc = JSON.parse(
      await simulator.kubectl([
        'get',
        'svc',
        'istio-ingressgateway',
        '-n',
        'istio-gateways',
        '-o',
        'json',
      ]),
    );
    expect(svc.spec.selector.version).toBe('1-10-4');

    // 4. The default tag moves to 1-10-4; then nothing uses 1-9-7.
    const tag = await api(ALICE).post('/requests', {
      type: 'revision-tag-move',
      cluster: 'seed',
      revision: '1-10-4',
      target: { tag: 'default' },
    });
    expect(tag.status).toBe(202);
    await api(BOB).post(`/requests/${tag.body.id}/approve`);
    expect((await settle(tag.body.id)).state).toBe('succeeded');

    // The blue gateway, on standby, still runs 1-9-7: the revision is in use until it goes.
    const inUse = await eventually(async () => {
      const res = await api(ALICE).get('/clusters/seed/inventory');
      const old = res.body.controlPlanes.find(
        (cp: any) => cp.revision === '1-9-7',
      );
      return old.notRemovableBecause.length === 2 ? old : undefined;
    }, 30_000);
    expect(inUse.safeToRemove).toBe(false);
    expect(inUse.notRemovableBecause).toEqual([
      '2 pods still run it',
      '1 gateway runs it: istio-gateways/istio-ingressgateway-1-9-7 (ingress, standby for LoadBalancer istio-ingressgateway)',
    ]);
    const blue = await simulator.kubectl([
      'get',
      'deployment',
      'istio-ingressgateway-1-9-7',
      '-n',
      'istio-gateways',
      '-o',
      'json',
    ]);
    await simulator.kubectl([
      'delete',
      'deployment',
      'istio-ingressgateway-1-9-7',
      '-n',
      'istio-gateways',
    ]);
    const removable = await eventually(async () => {
      const res = await api(ALICE).get('/clusters/seed/inventory');
      const old = res.body.controlPlanes.find(
        (cp: any) => cp.revision === '1-9-7',
      );
      if (!old?.safeToRemove)
        throw new Error(JSON.stringify(old?.notRemovableBecause));
      return old;
    }, 30_000);
    expect(removable.notRemovableBecause).toEqual([]);

    // Blue comes back for the rollback below.
    const { metadata, status, ...spec } = JSON.parse(blue);
    const manifest = join(simulator.stateDir, 'blue-gateway.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        ...spec,
        metadata: {
          name: metadata.name,
          namespace: metadata.namespace,
          labels: metadata.labels,
        },
      }),
    );
    await simulator.kubectl(['create', '-f', manifest]);
    await simulator.kubectl([
      'rollout',
      'status',
      'deployment/istio-ingressgateway-1-9-7',
      '-n',
      'istio-gateways',
      '--timeout=60s',
    ]);
    await eventually(async () => {
      const res = await api(ALICE).get('/clusters/seed/inventory');
      const blueAgain = res.body.gateways.find(
        (g: any) => g.name === 'istio-ingressgateway-1-9-7',
      );
      return blueAgain?.ready && blueAgain.readyReplicas === 2;
    }, 30_000);

    const during = await traffic();
    expect(during.sent).toBeGreaterThan(100);
    expect(during.failed).toBe(0);

    // 5. Roll the cutover back, as a request of its own, approved by someone else.
    await simulator.sim('POST', 'clusters/seed/traffic/reset');
    const rollback = await api(ALICE).post(
      `/requests/${cutover.body.id}/rollback`,
    );
    expect(rollback.status).toBe(202);
    expect(rollback.body).toMatchObject({
      rollbackOf: cutover.body.id,
      revision: '1-9-7',
    });
    await api(BOB).post(`/requests/${rollback.body.id}/approve`);
    expect((await settle(rollback.body.id)).state).toBe('succeeded');
    expect(
      (await api(ALICE).get(`/requests/${cutover.body.id}`)).body,
    ).toMatchObject({
      state: 'rolled-back',
      rolledBackBy: rollback.body.id,
    });
    const back = JSON.parse(
      await simulator.kubectl([
        'get',
        'svc',
        'istio-ingressgateway',
        '-n',
        'istio-gateways',
        '-o',
        'json',
      ]),
    );
    expect(back.spec.selector.version).toBe('1-9-7');
    const after = await traffic();
    expect(after.sent).toBeGreaterThan(20);
    expect(after.failed).toBe(0);

    // 6. nginx goes back where it came from, although 1.9.7 is end of life: a warning, not a refusal.
    const back2 = await api(CAROL).post(`/requests/${nginx.body.id}/rollback`);
    expect(back2.status).toBe(202);
    const undone = await settle(back2.body.id);
    expect(undone.state).toBe('succeeded');
    expect(undone.events.map((e: any) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /warn: 1\.9\.7 is end of life.*the rollback returns to it/,
        ),
      ]),
    );
  });
});
