import {
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import {
  apiAs,
  FAST_REQUESTS,
  settleRequest,
} from '../testing/__testUtils__/requestTestKit';
import {
  startPrometheus,
  TestPrometheus,
} from './gates/__testUtils__/startPrometheus';

jest.setTimeout(600_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const RINGS = ['staging', 'prod-eu', 'prod-us'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * Campaigns through the REST API on the demo fleet, with a real Prometheus scraping the simulator's
 * Istio metrics: a campaign over staging, then prod-eu, then prod-us with no failed probe request; a
 * bad revision caught by the gate in ring 1 (that wave rolled back, the campaign paused, ring 2
 * untouched); a closed window that writes nothing; and bad input refused with its reason.
 */
describe('campaigns on the demo fleet', () => {
  let simulator: MeshSimulatorProcess;
  let prometheus: TestPrometheus;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const api = (user: string) => apiAs(() => backend.server, user);

  const campaign = async (id: string) =>
    (await api(ALICE).get(`/campaigns/${id}`)).body;

  const requestsOf = async (id: string, cluster: string) =>
    (
      await api(ALICE).get(`/requests?cluster=${cluster}&limit=200`)
    ).body.items.filter((r: any) => r.campaignId === id);

  /** Waits for the campaign to reach one of `states`; on timeout, says where it stood. */
  const until = async (
    id: string,
    states: string[],
    timeoutMs = Number(process.env.CAMPAIGN_TEST_TIMEOUT_MS ?? 240_000),
  ) => {
    try {
      return await eventually(
        async () => {
          const c = await campaign(id);
          return states.includes(c.state) ? c : undefined;
        },
        timeoutMs,
        500,
      );
    } catch (error) {
      const c = await campaign(id);
      const where = {
        state: c.state,
        pausedReason: c.pausedReason,
        rings: c.plan?.rings.map((r: any) => ({
          ring: r.name,
          state: r.state,
          clusters: r.clusters.map((k: any) => ({
            cluster: k.cluster,
            state: k.state,
            message: k.message,
            waves: k.waves.map((w: any) => `${w.kind}:${w.state}`),
          })),
        })),
        events: c.events?.slice(0, 8).map((e: any) => e.message),
        requests: (
          await Promise.all(
            (c.plan?.rings ?? []).flatMap((r: any) =>
              r.clusters.map((k: any) => requestsOf(id, k.cluster)),
            ),
          )
        )
          .flat()
          .map((r: any) => `${r.id} ${r.type} ${r.state} ${r.error ?? ''}`),
      };
      throw new Error(
        `${(error as Error).message}\n${JSON.stringify(where, null, 1)}`,
      );
    }
  };

  const writesTo = async (cluster: string) => {
    const stats = await simulator.sim('GET', `clusters/${cluster}/stats`);
    return Object.entries(stats.byVerb ?? {})
      .filter(([verb]) => WRITE_VERBS.includes(verb))
      .reduce((n, [, count]) => n + Number(count), 0);
  };

  const settle = (id: string) => settleRequest(api(ALICE), id);

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['demo'], speed: 20 });
    const address = new URL(simulator.url).host;
    prometheus = await startPrometheus(
      simulator.clusters.map(c => ({
        job: c.name,
        address,
        metricsPath: `/sim/v1/clusters/${c.name}/metrics`,
        labels: { cluster: c.name },
        tls: { caPem: simulator.caPem, bearerToken: simulator.adminToken },
      })),
    );
    backend = await startInventoryTestBackend(simulator, {
      token: 'admin',
      config: {
        permission: { enabled: true },
        istioUpgrade: {
          requests: FAST_REQUESTS,
          campaigns: {
            engineInterval: { milliseconds: 300 },
            notifyAhead: { seconds: 0 },
            defaultSoak: { seconds: 2 },
            defaultGate: {
              windowSeconds: 6,
              max5xxIncreasePoints: 0.5,
              maxP99IncreasePercent: 20,
            },
            prometheus: {
              '*': { url: prometheus.url, clusterLabel: 'cluster' },
            },
          },
        },
      },
    });
    await eventually(async () => {
      for (const c of RINGS) {
        const res = await api(ALICE).get(`/clusters/${c}/inventory`);
        if (!res.body?.cluster?.sync?.complete) return undefined;
      }
      return true;
    });
    // Staging runs 1.28 beside 1.31 (three minors apart): its platform team installs 1.30.4 with
    // istioctl first, outside the product (which refuses an install older than proxies in use), and
    // the inventory finds it.
    await simulator.sim('POST', 'clusters/staging/control-planes', {
      revision: '1-30-4',
      version: '1.30.4',
      installedWith: 'istioctl',
    });
    await eventually(async () => {
      const res = await api(ALICE).get('/clusters/staging/inventory');
      return res.body.controlPlanes?.some(
        (cp: any) => cp.revision === '1-30-4' && cp.ready,
      );
    });
    // The gate's first "before" window needs a few scrapes of history.
    await new Promise(resolve => setTimeout(resolve, 7000));
  });

  afterAll(async () => {
    await backend?.stop();
    await prometheus?.stop();
    await simulator?.stop();
  });

  it('refuses bad input with its reason, and stores nothing', async () => {
    const base = {
      name: 'bad',
      targetVersion: '1.30.4',
      rings: [{ name: 'one', clusters: ['staging'] }],
    };
    const cases: Array<[object, RegExp]> = [
      [{ ...base, rings: [{ name: 'one', clusters: ['nowhere'] }] }, /nowhere/],
      [
        { ...base, rings: [{ name: 'one', clusters: [] }] },
        /empty|no cluster/i,
      ],
      [
        {
          ...base,
          rings: [
            { name: 'one', clusters: ['staging'] },
            { name: 'two', clusters: ['staging'] },
          ],
        },
        /staging/,
      ],
      [{ ...base, soakSeconds: -1 }, /soak/i],
      [{ ...base, soakSeconds: 31 * 86400 }, /soak/i],
      [
        {
          ...base,
          windows: {
            staging: [
              {
                days: ['mon'],
                start: '01:00',
                end: '03:00',
                timeZone: 'UTC',
              },
              {
                days: ['mon'],
                start: '02:00',
                end: '04:00',
                timeZone: 'UTC',
              },
            ],
          },
        },
        /overlap/i,
      ],
      [
        {
          ...base,
          windows: {
            staging: [
              {
                days: ['mon'],
                start: '01:00',
                end: '03:00',
                timeZone: 'Mars/Olympus',
              },
            ],
          },
        },
        /Mars\/Olympus/,
      ],
      [
        {
          ...base,
          windows: {
            staging: [
              { days: ['mon'], start: '25:00', end: '03:00', timeZone: 'UTC' },
            ],
          },
        },
        /25:00/,
      ],
      [
        {
          ...base,
          rings: [
            {
              name: 'many',
              clusters: Array.from({ length: 10_000 }, (_, i) => `c-${i}`),
            },
          ],
        },
        /10,000|1,000/,
      ],
      // 1.31.0 is not on prod-eu; staging's 1.28 pods are three minors from it.
      [
        {
          ...base,
          targetVersion: '1.31.0',
          rings: [{ name: 'all', clusters: RINGS }],
        },
        /prod-eu.*install it first/,
      ],
    ];
    for (const [body, reason] of cases) {
      for (const dryRun of [true, false]) {
        const res = await api(ALICE).post('/campaigns', { ...body, dryRun });
        expect({
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({ status: 400, message: expect.stringMatching(reason) });
      }
    }
    const skew = await api(ALICE).post('/campaigns', {
      ...base,
      targetVersion: '1.31.0',
      rings: [{ name: 'staging', clusters: ['staging'] }],
      dryRun: true,
    });
    // Staging's pods still run 1.28: three minors to 1.31 is refused by the migration's prechecks.
    expect({ status: skew.status, message: skew.body.error?.message }).toEqual({
      status: 400,
      message: expect.stringMatching(/staging: namespace/),
    });
    expect((await api(ALICE).get('/campaigns')).body.items).toEqual([]);
  });

  it('runs staging, then prod-eu, then prod-us, gated by Prometheus, with no failed request', async () => {
    for (const c of RINGS)
      await simulator.sim('POST', `clusters/${c}/traffic/reset`);
    const body = {
      name: 'fleet to 1.30.4',
      targetVersion: '1.30.4',
      rings: RINGS.map(name => ({ name, clusters: [name] })),
      waves: { namespacesPerWave: 2 },
    };
    const plan = await api(ALICE).post('/campaigns', { ...body, dryRun: true });
    expect(plan.status).toBe(200);
    expect(plan.body.rings.map((r: any) => r.name)).toEqual(RINGS);
    expect(plan.body.requests).toBeGreaterThan(3);
    const prodEu = plan.body.rings[1].clusters[0];
    expect(prodEu).toMatchObject({ revision: 'default-v1-30-4', gated: true });
    expect(prodEu.waves.map((w: any) => w.kind)).toEqual(
      expect.arrayContaining(['namespaces', 'gateways', 'tags']),
    );

    const created = await api(ALICE).post('/campaigns', body);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      state: 'pending-approval',
      allowedActions: expect.not.arrayContaining(['approve']),
    });
    const id = created.body.id;
    // One active campaign per cluster.
    const second = await api(ALICE).post('/campaigns', {
      ...body,
      name: 'again',
    });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain(id);
    // Nobody approves their own campaign.
    expect((await api(ALICE).post(`/campaigns/${id}/approve`)).status).toBe(
      403,
    );
    expect((await api(BOB).post(`/campaigns/${id}/approve`)).status).toBe(200);

    const done = await until(id, ['succeeded', 'paused', 'failed', 'aborted']);
    expect({ state: done.state, reason: done.pausedReason }).toEqual({
      state: 'succeeded',
      reason: undefined,
    });
    for (const ring of done.plan.rings) {
      expect(ring.state).toBe('succeeded');
      for (const cluster of ring.clusters) {
        expect(cluster.state).toBe('done');
        for (const wave of cluster.waves) {
          const gated = wave.kind === 'namespaces' || wave.kind === 'gateways';
          expect({
            state: wave.state,
            gate: gated ? wave.gate?.outcome : 'not gated',
          }).toEqual({
            state: 'succeeded',
            gate: gated ? 'passed' : 'not gated',
          });
        }
      }
    }
    // Ring order: every request of a ring started after the previous ring's last one finished.
    const byRing = await Promise.all(RINGS.map(c => requestsOf(id, c)));
    for (let i = 1; i < byRing.length; i++) {
      const lastEnd = Math.max(
        ...byRing[i - 1].map((r: any) => Date.parse(r.finishedAt)),
      );
      for (const r of byRing[i]) {
        expect(Date.parse(r.requestedAt)).toBeGreaterThan(lastEnd);
      }
    }
    for (const requests of byRing) {
      for (const r of requests) expect(r.state).toBe('succeeded');
    }
    // Every pod of the migrated namespaces runs the target, as the inventory sees it.
    for (const ring of done.plan.rings) {
      for (const cluster of ring.clusters) {
        const inventory = (
          await api(ALICE).get(`/clusters/${cluster.cluster}/inventory`)
        ).body;
        const migrated = cluster.waves.flatMap((w: any) =>
          w.namespaces.map((n: any) => n.namespace),
        );
        for (const ns of inventory.namespaces.filter((n: any) =>
          migrated.includes(n.name),
        )) {
          expect({
            ns: ns.name,
            revisions: ns.podsByRevision
              .filter((r: any) => r.count > 0)
              .map((r: any) => r.revision),
          }).toEqual({ ns: ns.name, revisions: [cluster.revision] });
        }
      }
    }
    for (const c of RINGS) {
      const traffic = await simulator.sim('GET', `clusters/${c}/traffic`);
      expect({ cluster: c, failed: traffic.failed }).toEqual({
        cluster: c,
        failed: 0,
      });
      expect(traffic.sent).toBeGreaterThan(100);
    }
  });

  it('stops at a bad revision: the gate fails ring 1, its wave rolls back, the campaign pauses, ring 2 is untouched', async () => {
    await simulator.sim('POST', 'clusters/staging/faults', {
      rules: [],
      sidecars: [{ revision: '1-31-0', errorRate: 0.5, latencyMs: 300 }],
    });
    try {
      const created = await api(ALICE).post('/campaigns', {
        name: 'to 1.31.0',
        targetVersion: '1.31.0',
        rings: [
          { name: 'canary', clusters: ['staging'] },
          { name: 'prod', clusters: ['prod-us'] },
        ],
        // payments drifted to the canary tag on staging: its pods still run 1.28, three minors from 1.31.
        waves: { namespacesPerWave: 2, exclude: ['payments'] },
      });
      expect({
        status: created.status,
        error: created.body.error?.message,
      }).toEqual({ status: 202, error: undefined });
      const id = created.body.id;
      await api(BOB).post(`/campaigns/${id}/approve`);
      const paused = await until(id, ['paused', 'succeeded', 'failed']);
      expect(paused.state).toBe('paused');
      expect(paused.pausedReason).toMatch(
        /Health gate failed on staging, wave 1.*5xx .* → .*p99/,
      );
      const staging = paused.plan.rings[0].clusters[0];
      expect(staging.waves[0]).toMatchObject({
        state: 'rolled-back',
        gate: { outcome: 'failed' },
      });
      const failedSubject = staging.waves[0].gate.subjects.find(
        (s: any) => s.outcome === 'failed',
      );
      expect(failedSubject.after.errorRatio).toBeGreaterThan(
        failedSubject.before.errorRatio + 0.005,
      );
      // The wave's rollbacks run and put its namespaces back on 1-30-4.
      const rollbacks = (await requestsOf(id, 'staging')).filter(
        (r: any) => r.rollbackOf,
      );
      expect(rollbacks.length).toBe(staging.waves[0].requests.length);
      for (const r of rollbacks)
        expect((await settle(r.id)).state).toBe('succeeded');
      expect(paused.plan.rings[1].state).toBe('pending');
      expect(await requestsOf(id, 'prod-us')).toEqual([]);

      // Abort: nothing of ring 1 is left migrated, the clusters are free again.
      await api(BOB).post(`/campaigns/${id}/abort`);
      const aborted = await until(id, ['aborted']);
      expect(aborted.plan.rings[0].state).toBe('aborted');
    } finally {
      await simulator.sim('DELETE', 'clusters/staging/faults');
    }
  });

  it('writes nothing outside its maintenance window', async () => {
    const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const today = new Date().getUTCDay();
    const otherDay = days[(today + 3) % 7];
    for (const c of ['staging', 'prod-eu'])
      await simulator.sim('POST', `clusters/${c}/stats/reset`);
    const created = await api(ALICE).post('/campaigns', {
      name: 'closed window',
      targetVersion: '1.31.0',
      rings: [{ name: 'one', clusters: ['staging'] }],
      waves: { exclude: ['payments'] },
      windows: {
        '*': [
          { days: [otherDay], start: '01:00', end: '02:00', timeZone: 'UTC' },
        ],
      },
    });
    expect({
      status: created.status,
      error: created.body.error?.message,
    }).toEqual({ status: 202, error: undefined });
    const id = created.body.id;
    await api(BOB).post(`/campaigns/${id}/approve`);
    const waiting = await eventually(async () => {
      const c = await campaign(id);
      const cluster = c.plan.rings[0].clusters[0];
      return cluster.state === 'waiting-window' ? c : undefined;
    });
    expect(waiting.state).toBe('running');
    expect(
      Date.parse(waiting.plan.rings[0].clusters[0].nextWindowAt),
    ).toBeGreaterThan(Date.now());
    // Several engine steps later: still no request, no write.
    await new Promise(resolve => setTimeout(resolve, 3000));
    expect(await requestsOf(id, 'staging')).toEqual([]);
    expect(await writesTo('staging')).toBe(0);
    await api(BOB).post(`/campaigns/${id}/abort`);
    expect((await until(id, ['aborted'])).state).toBe('aborted');
  });
});
