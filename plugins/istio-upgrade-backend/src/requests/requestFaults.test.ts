import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  meshSimulatorBackendSetup,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import { bookinfoComponents } from '../testing/__testUtils__/requestTestKit';

jest.setTimeout(300_000);

const CAROL = 'user:default/carol';
const FINAL = ['succeeded', 'failed', 'rolled-back', 'cancelled'];

const migrateBookinfo = {
  type: 'namespace-migration',
  cluster: 'seed',
  revision: '1-10-4',
  target: { namespace: 'bookinfo' },
  entityRef: 'component:default/productpage',
};

/** A fresh seed cluster and backend per test: faults leave marks. */
async function lab(requests: Record<string, unknown> = {}) {
  const simulator = await startMeshSimulator({
    scenarios: ['seed'],
    speed: 20,
  });
  const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
  const backend = await startInventoryTestBackend(simulator, {
    token: 'admin',
    entities: bookinfoComponents(CAROL),
    config: {
      permission: { enabled: true },
      istioUpgrade: {
        ...setup.config.istioUpgrade,
        requests: {
          pollIntervalMs: 200,
          sweepInterval: { seconds: 1 },
          leaseTtl: { seconds: 5 },
          defaults: { pauseBetweenWavesSeconds: 0, waveSize: 3 },
          ...requests,
        },
      },
    },
  });
  const auth = mockCredentials.user.header(CAROL);
  const api = {
    get: (path: string) =>
      request(backend.server)
        .get(`/api/istio-upgrade${path}`)
        .set('Authorization', auth),
    post: (path: string, body: object) =>
      request(backend.server)
        .post(`/api/istio-upgrade${path}`)
        .set('Authorization', auth)
        .send(body),
  };
  await eventually(async () => {
    const res = await api.get('/clusters/seed/inventory');
    return res.body?.cluster?.sync?.complete ? res.body : undefined;
  });
  const settle = (id: string) =>
    eventually(
      async () => {
        const res = await api.get(`/requests/${id}`);
        return FINAL.includes(res.body.state) ? res.body : undefined;
      },
      240_000,
      300,
    );
  const bookinfoRevisions = async () => {
    const pods = JSON.parse(
      await simulator.kubectl(['get', 'pods', '-n', 'bookinfo', '-o', 'json']),
    );
    return pods.items
      .filter((p: any) => !p.metadata.deletionTimestamp)
      .map(
        (p: any) =>
          JSON.parse(p.metadata.annotations['sidecar.istio.io/status'])
            .revision,
      );
  };
  const stop = async () => {
    await backend.stop();
    await simulator.stop();
  };
  const as = (user: string) => ({
    post: (path: string, body: object = {}) =>
      request(backend.server)
        .post(`/api/istio-upgrade${path}`)
        .set('Authorization', mockCredentials.user.header(user))
        .send(body),
  });
  return { simulator, api, as, settle, bookinfoRevisions, stop };
}

describe('requests under faults', () => {
  it("rolls a migration back by itself when the target revision's pods never become ready, and the probe stays clean", async () => {
    const { simulator, api, settle, bookinfoRevisions, stop } = await lab({
      rolloutTimeout: { seconds: 10 },
    });
    try {
      // A bad release: every proxy istiod-1-10-4 injects from now on never becomes ready.
      await simulator.kubectl([
        'annotate',
        'deployment',
        'istiod-1-10-4',
        '-n',
        'istio-system',
        'mesh-sim.dev/proxy-failure=never-ready',
      ]);
      await simulator.sim('POST', 'clusters/seed/traffic/reset');

      const created = await api.post('/requests', migrateBookinfo);
      expect(created.status).toBe(202);
      const done = await settle(created.body.id);

      expect(done.state).toBe('rolled-back');
      expect(done.error).toMatch(/stalled|progress deadline/);
      expect(done.steps.map((s: any) => [s.name, s.state])).toEqual(
        expect.arrayContaining([
          ['restart-wave-1', 'failed'],
          ['rollback-relabel-namespace', 'succeeded'],
          ['rollback-restart-wave-1', 'succeeded'],
          ['rollback-verify', 'succeeded'],
        ]),
      );
      // Wave 2 never started: the failure stopped the migration.
      expect(
        done.steps.find((s: any) => s.name === 'restart-wave-2').state,
      ).toBe('pending');

      const ns = JSON.parse(
        await simulator.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
      );
      expect(ns.metadata.labels['istio-injection']).toBe('enabled');
      expect(ns.metadata.labels['istio.io/rev']).toBeUndefined();
      await eventually(async () => {
        const revisions = await bookinfoRevisions();
        return revisions.length === 6 &&
          revisions.every((r: string) => r === '1-9-7')
          ? revisions
          : undefined;
      });
      const traffic = await simulator.sim('GET', 'clusters/seed/traffic');
      expect(traffic.sent).toBeGreaterThan(50);
      expect(traffic.failed).toBe(0);
    } finally {
      await stop();
    }
  });

  it('refuses a migration to a revision whose istiod is not ready, before any write', async () => {
    const { simulator, api, stop } = await lab();
    try {
      await simulator.kubectl([
        'scale',
        'deployment',
        'istiod-1-10-4',
        '-n',
        'istio-system',
        '--replicas=0',
      ]);
      await eventually(async () => {
        const res = await api.get('/clusters/seed/inventory');
        const cp = res.body.controlPlanes.find(
          (c: any) => c.revision === '1-10-4',
        );
        return cp && !cp.ready ? cp : undefined;
      });
      await simulator.sim('POST', 'clusters/seed/stats/reset');

      const refused = await api.post('/requests', migrateBookinfo);
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(
        /Prechecks failed.*istiod-1-10-4 has no ready replica/,
      );
      expect((await api.get('/requests')).body.items).toEqual([]);

      const stats = await simulator.sim('GET', 'clusters/seed/stats');
      const writes = ['patch', 'update', 'create', 'delete'].reduce(
        (sum, verb) => sum + Number(stats.byVerb?.[verb] ?? 0),
        0,
      );
      expect(writes).toBe(0);
      const ns = JSON.parse(
        await simulator.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
      );
      expect(ns.metadata.labels['istio-injection']).toBe('enabled');
    } finally {
      await stop();
    }
  });

  it('completes a migration through 500s, 429s and dropped watches at 10 %, or fails cleanly — never succeeds falsely', async () => {
    const { simulator, api, settle, bookinfoRevisions, stop } = await lab();
    try {
      await simulator.sim('POST', 'clusters/seed/faults', {
        rules: [
          { verbs: ['*'], resources: ['*'], rate: 0.05, status: 500 },
          {
            verbs: ['*'],
            resources: ['*'],
            rate: 0.05,
            status: 429,
            retryAfterSeconds: 1,
          },
        ],
        dropWatchesAfterSeconds: 3,
      });
      const created = await eventually(
        async () => {
          const res = await api.post('/requests', migrateBookinfo);
          // The request itself may meet a fault while planning; it is then refused, not half-made.
          return res.status === 202 ? res : undefined;
        },
        60_000,
        500,
      );
      const done = await settle(created.body.id);
      await simulator.sim('DELETE', 'clusters/seed/faults');

      const revisions = await eventually(async () => {
        const r = await bookinfoRevisions();
        return r.length === 6 ? r : undefined;
      });
      const labels = JSON.parse(
        await simulator.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
      ).metadata.labels;
      // Faults are retried, never mistaken for success: whichever way it ends, the cluster agrees.
      const all = (allowed: string[]) =>
        revisions.every((r: string) => allowed.includes(r));
      const clusterAgrees: Record<string, () => boolean> = {
        // Succeeded: the namespace and every pod on the new revision.
        succeeded: () => all(['1-10-4']) && labels['istio.io/rev'] === '1-10-4',
        // Rolled back: the labels and every pod are as they were.
        'rolled-back': () =>
          all(['1-9-7']) &&
          labels['istio-injection'] === 'enabled' &&
          labels['istio.io/rev'] === undefined,
        // Failed without a rollback: the log says which workloads moved; each pod runs one of the
        // two revisions.
        failed: () => all(['1-9-7', '1-10-4']),
      };
      // A clean failure says why, on the request and on the step that failed.
      const saysWhy =
        done.state === 'succeeded' ||
        (typeof done.error === 'string' &&
          done.error.length > 10 &&
          done.steps.some(
            (step: any) => step.state === 'failed' && step.message,
          ));
      expect({
        state: done.state,
        known: Object.keys(clusterAgrees).includes(done.state),
        clusterAgrees: clusterAgrees[done.state]?.() ?? false,
        saysWhy,
        revisions,
        labels,
      }).toEqual({
        state: done.state,
        known: true,
        clusterAgrees: true,
        saysWhy: true,
        revisions,
        labels,
      });
    } finally {
      await stop();
    }
  });

  it('reverts a cutover at once when the new gateway loses its endpoints during the watch window', async () => {
    const { simulator, api, as, settle, stop } = await lab({
      defaults: {
        pauseBetweenWavesSeconds: 0,
        waveSize: 3,
        watchWindowSeconds: 30,
      },
    });
    const selector = async () =>
      JSON.parse(
        await simulator.kubectl([
          'get',
          'svc',
          'istio-ingressgateway',
          '-n',
          'istio-gateways',
          '-o',
          'json',
        ]),
      ).spec.selector;
    try {
      const cutover = await as('user:default/alice').post('/requests', {
        type: 'gateway-cutover',
        cluster: 'seed',
        revision: '1-10-4',
        target: {
          namespace: 'istio-gateways',
          service: 'istio-ingressgateway',
        },
      });
      expect(cutover.status).toBe(202);
      await as('user:default/bob').post(`/requests/${cutover.body.id}/approve`);
      await eventually(async () => {
        const res = await api.get(`/requests/${cutover.body.id}`);
        return res.body.steps.find((s: any) => s.name === 'watch-window')
          ?.state === 'running'
          ? res
          : undefined;
      }, 60_000);
      expect((await selector()).version).toBe('1-10-4');

      // Green dies during the window.
      await simulator.kubectl([
        'scale',
        'deployment',
        'istio-ingressgateway-1-10-4',
        '-n',
        'istio-gateways',
        '--replicas=0',
      ]);
      const done = await settle(cutover.body.id);
      expect(['rolled-back', 'failed']).toContain(done.state);
      expect(done.events.map((e: any) => e.message)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /lost its endpoints .*: reverting the selector at once/,
          ),
        ]),
      );
      expect((await selector()).version).toBe('1-9-7');
    } finally {
      await stop();
    }
  });
});
