import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import { istioUpgradePlugin } from '../plugin';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { eventually } from '../testing/__testUtils__/inventoryTestBackend';
import {
  apiAs,
  FAST_REQUESTS,
  kubectlItems,
  sharedPostgresConfig,
} from '../testing/__testUtils__/requestTestKit';
import {
  BackendProcess,
  freePort,
  startBackendProcess,
} from '../testing/__testUtils__/startBackendProcess';
import { configuredPostgres } from '../testing/__testUtils__/testPostgres';

jest.setTimeout(600_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
/**
 * prod-eu runs 1.30.1 beside 1.30.4; staging gets 1.30.4 installed first (outside the product, as
 * campaignsThroughApi does). prod-us has 1.30.4 already, so it would make a ring with nothing to do.
 * No Prometheus: the clusters are not gated.
 */
const RINGS = ['prod-eu', 'staging'];
const CAMPAIGNS_TABLE = 'istio_upgrade_campaigns';
const REQUESTS_TABLE = 'istio_upgrade_requests';
const ENDED = ['succeeded', 'paused', 'failed', 'aborted'];

const postgres = configuredPostgres();
const databases = TestDatabases.create({ ids: postgres ? [postgres] : [] });
if (!postgres) {
  // Written to stderr, not the console: Jest drops the console output of a suite whose tests all skip.
  process.stderr.write(
    'campaignReplicas: SKIPPED — backends share one PostgreSQL database here; ' +
      'set BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING (scripts/test.sh does when 127.0.0.1:5432 answers)\n',
  );
}

/** The `istioUpgrade` config of every backend here: short request and campaign leases, no waiting. */
function istioUpgradeConfig(simulator: MeshSimulatorProcess) {
  const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
  return {
    entities: setup.entities,
    istioUpgrade: {
      ...setup.config.istioUpgrade,
      requests: { ...FAST_REQUESTS, leaseTtl: { seconds: 3 } },
      campaigns: {
        engineInterval: { milliseconds: 300 },
        leaseTtl: { seconds: 3 },
        notifyAhead: { seconds: 0 },
        defaultSoak: { seconds: 2 },
      },
    },
  };
}

type Api = ReturnType<typeof apiAs>;

const campaignBody = (name: string) => ({
  name,
  targetVersion: '1.30.4',
  rings: RINGS.map(c => ({ name: c, clusters: [c] })),
  waves: { namespacesPerWave: 2 },
});

/** Creates the campaign as Alice and has Bob approve it; returns its id. */
async function createAndApprove(api: (user: string) => Api, name: string) {
  const created = await api(ALICE).post('/campaigns', campaignBody(name));
  expect({
    status: created.status,
    error: created.body.error?.message,
  }).toEqual({ status: 202, error: undefined });
  const id: string = created.body.id;
  const approved = await api(BOB).post(`/campaigns/${id}/approve`);
  expect(approved.status).toBe(200);
  return id;
}

/** Waits for the campaign to end; on timeout, says where it stood. */
async function campaignEnd(api: Api, id: string, timeoutMs = 300_000) {
  try {
    return await eventually(
      async () => {
        const res = await api.get(`/campaigns/${id}`);
        return ENDED.includes(res.body?.state) ? res.body : undefined;
      },
      timeoutMs,
      500,
    );
  } catch (error) {
    const c = (await api.get(`/campaigns/${id}`)).body;
    throw new Error(
      `${(error as Error).message}\n${JSON.stringify(
        {
          state: c.state,
          pausedReason: c.pausedReason,
          clusters: c.plan?.rings.flatMap((r: any) =>
            r.clusters.map(
              (k: any) =>
                `${k.cluster} ${k.state} ${k.message ?? ''} ${k.waves
                  .map((w: any) => `${w.kind}:${w.state}`)
                  .join(',')}`,
            ),
          ),
          events: c.events?.slice(0, 10).map((e: any) => e.message),
        },
        null,
        1,
      )}`,
    );
  }
}

/** Every request the campaign made, with its event log. */
async function campaignRequests(api: Api, id: string) {
  const listed = (
    await Promise.all(
      RINGS.map(
        async c =>
          (
            await api.get(`/requests?cluster=${c}&limit=200`)
          ).body.items,
      ),
    )
  )
    .flat()
    .filter((r: any) => r.campaignId === id);
  return Promise.all(
    listed.map(async (r: any) => (await api.get(`/requests/${r.id}`)).body),
  );
}

const requestKey = (cluster: string, type: string, target: unknown) =>
  `${cluster} ${type} ${JSON.stringify(target)}`;

/**
 * What a finished campaign shows about exactly-once: each planned request was made once (by cluster,
 * type and target), each wave names exactly the requests made for it, no rollback was made, every
 * request succeeded and started once, and no workload was restarted twice by the campaign's requests.
 */
function expectEachPlannedRequestOnce(done: any, requests: any[]) {
  expect({ state: done.state, reason: done.pausedReason }).toEqual({
    state: 'succeeded',
    reason: undefined,
  });
  const planned = new Map<string, string>();
  for (const ring of done.plan.rings) {
    expect(ring.state).toBe('succeeded');
    for (const cluster of ring.clusters) {
      expect(cluster.state).toBe('done');
      for (const wave of cluster.waves) {
        expect(`${cluster.cluster} wave ${wave.index} ${wave.state}`).toBe(
          `${cluster.cluster} wave ${wave.index} succeeded`,
        );
        for (const r of wave.requests) {
          planned.set(
            requestKey(r.cluster, r.type, r.target),
            `${cluster.cluster}/${wave.index}`,
          );
        }
      }
    }
  }
  expect(planned.size).toBeGreaterThan(RINGS.length);
  const made = new Map<string, string[]>();
  for (const r of requests) {
    const key = requestKey(r.cluster, r.type, r.target);
    made.set(key, [...(made.get(key) ?? []), r.id]);
  }
  // Each planned request made once, nothing else made (no rollback, no duplicate).
  expect(
    [...made.entries()].map(([key, ids]) => `${key}: ${ids.length}`).sort(),
  ).toEqual([...planned.keys()].map(key => `${key}: 1`).sort());
  expect(requests.filter(r => r.rollbackOf)).toEqual([]);
  // Each wave points at the requests made for it, once each.
  for (const cluster of done.plan.rings.flatMap((r: any) => r.clusters)) {
    for (const wave of cluster.waves) {
      expect({
        wave: `${cluster.cluster}/${wave.index}`,
        requestIds: [...wave.requestIds].sort(),
      }).toEqual({
        wave: `${cluster.cluster}/${wave.index}`,
        requestIds: wave.requests
          .map(
            (r: any) => made.get(requestKey(r.cluster, r.type, r.target))![0],
          )
          .sort(),
      });
    }
  }
  for (const r of requests) {
    const log: string[] = r.events.map((e: any) => `${e.type}: ${e.message}`);
    expect({
      id: r.id,
      state: r.state,
      started: log.filter(l => l === 'state: Started').length,
    }).toEqual({ id: r.id, state: 'succeeded', started: 1 });
  }
  // No workload restarted twice in the log: a restart is written once, or found done after a crash.
  const restarts = new Map<string, number>();
  for (const r of requests) {
    for (const e of r.events) {
      const m = /^restart (\S+) (\S+) /.exec(e.message);
      if (e.type !== 'cluster-write' || !m) continue;
      const key = `${r.cluster} ${m[1]} ${m[2]}`;
      restarts.set(key, (restarts.get(key) ?? 0) + 1);
    }
  }
  expect(restarts.size).toBeGreaterThan(0);
  expect([...restarts.entries()].filter(([, n]) => n > 1)).toEqual([]);
}

/** Each Deployment's `deployment.kubernetes.io/revision` on a cluster, by `namespace/name`. */
async function deploymentRevisions(
  simulator: MeshSimulatorProcess,
  cluster: string,
): Promise<Map<string, number>> {
  const items = kubectlItems(
    await simulator.kubectl([
      '--context',
      cluster,
      'get',
      'deploy',
      '-A',
      '-o',
      'json',
    ]),
  );
  return new Map(
    items.map(d => [
      `${d.metadata.namespace}/${d.metadata.name}`,
      Number(d.metadata.annotations?.['deployment.kubernetes.io/revision']),
    ]),
  );
}

/**
 * The clusters' truth: every Deployment of a namespace the campaign migrated was rolled out once
 * (revision up by one), no Deployment twice, and the traffic probe saw no failed request.
 */
async function expectClustersChangedOnce(
  simulator: MeshSimulatorProcess,
  done: any,
  before: Map<string, Map<string, number>>,
) {
  for (const cluster of done.plan.rings.flatMap((r: any) => r.clusters)) {
    const migrated = new Set<string>(
      cluster.waves
        .filter((w: any) => w.kind === 'namespaces')
        .flatMap((w: any) => w.namespaces.map((n: any) => n.namespace)),
    );
    expect(migrated.size).toBeGreaterThan(0);
    const after = await deploymentRevisions(simulator, cluster.cluster);
    const rollouts = [...before.get(cluster.cluster)!.entries()]
      .filter(([name]) => after.has(name))
      .map(([name, revision]) => ({
        name,
        rollouts: after.get(name)! - revision,
      }));
    expect(rollouts.filter(d => migrated.has(d.name.split('/')[0]))).toEqual(
      rollouts
        .filter(d => migrated.has(d.name.split('/')[0]))
        .map(d => ({ ...d, rollouts: 1 })),
    );
    expect(rollouts.filter(d => d.rollouts > 1)).toEqual([]);
    const traffic = await simulator.sim(
      'GET',
      `clusters/${cluster.cluster}/traffic`,
    );
    expect({ cluster: cluster.cluster, failed: traffic.failed }).toEqual({
      cluster: cluster.cluster,
      failed: 0,
    });
    expect(traffic.sent).toBeGreaterThan(0);
  }
}

/** Starts the demo fleet, and installs 1.30.4 on staging as its platform team would (istioctl). */
async function demoFleet(): Promise<MeshSimulatorProcess> {
  const simulator = await startMeshSimulator({
    scenarios: ['demo'],
    speed: 20,
  });
  await simulator.sim('POST', 'clusters/staging/control-planes', {
    revision: '1-30-4',
    version: '1.30.4',
    installedWith: 'istioctl',
  });
  return simulator;
}

/** Waits until a backend's inventory has synced the rings' clusters and sees staging's 1.30.4 ready. */
async function inventoryReady(api: Api) {
  await eventually(async () => {
    for (const c of RINGS) {
      const res = await api.get(`/clusters/${c}/inventory`);
      if (!res.body?.cluster?.sync?.complete) return false;
      if (
        c === 'staging' &&
        !res.body.controlPlanes?.some(
          (cp: any) => cp.revision === '1-30-4' && cp.ready,
        )
      )
        return false;
    }
    return true;
  }, 120_000);
}

async function revisionsBefore(simulator: MeshSimulatorProcess) {
  const before = new Map<string, Map<string, number>>();
  for (const c of RINGS) {
    before.set(c, await deploymentRevisions(simulator, c));
    await simulator.sim('POST', `clusters/${c}/traffic/reset`);
  }
  return before;
}

/** The pid in a campaign lease owner (`host:pid:campaigns:suffix`). */
const ownerPid = (owner: string) => Number(owner.split(':').at(-3));

/**
 * A backend process running a campaign is killed (SIGKILL) twice — as the first wave's first request
 * is made (mid-step), then as ring 2 starts — and each time a new process on the same PostgreSQL
 * database takes the campaign over once the lease expires and finishes it: each planned request made
 * once, each workload rolled out once, no failed probe request.
 */
(postgres ? describe : describe.skip)(
  'a campaign whose backend process is killed',
  () => {
    let simulator: MeshSimulatorProcess;
    let db: Knex;
    let backend: BackendProcess | undefined;
    let launch: () => Promise<BackendProcess>;
    const api = (user: string) => apiAs(() => backend!.url, user);

    beforeAll(async () => {
      simulator = await demoFleet();
      db = await databases.init(postgres!);
      const { entities, istioUpgrade } = istioUpgradeConfig(simulator);
      const config = {
        backend: { database: sharedPostgresConfig(db).config },
        permission: { enabled: true },
        istioUpgrade,
      };
      const port = await freePort();
      launch = async () => {
        backend = await startBackendProcess({ config, entities, port });
        await inventoryReady(api(ALICE));
        return backend;
      };
    });

    afterAll(async () => {
      await backend?.stop();
      await simulator?.stop();
    });

    it('is taken over by the next process and succeeds, each planned request made once', async () => {
      const before = await revisionsBefore(simulator);
      await launch();
      const id = await createAndApprove(api, 'killed mid-campaign');

      // Who holds the campaign's lease, sampled from the database all along: pid, fencing token, time.
      const holders: Array<{ pid: number; token: number; at: number }> = [];
      // The clusters a step found still on a new process's first inventory sync, and waited for.
      const waitedForInventory = new Set<string>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const row = await db(CAMPAIGNS_TABLE)
            .where({ id })
            .first('lease_owner', 'fencing_token', 'plan');
          for (const ring of JSON.parse(row.plan).rings) {
            for (const c of ring.clusters) {
              if (/first inventory/.test(c.message ?? ''))
                waitedForInventory.add(c.cluster);
            }
          }
          if (row?.lease_owner) {
            holders.push({
              pid: ownerPid(row.lease_owner),
              token: Number(row.fencing_token),
              at: Date.now(),
            });
          }
          await new Promise(r => setTimeout(r, 20));
        }
      })();

      const kills: Array<{
        point: string;
        pid: number;
        at: number;
        campaign: string;
        token: number;
        midStep: boolean;
        waveSaved: boolean;
      }> = [];
      const killWhen = async (
        point: string,
        made: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
        options: { slowCluster?: string } = {},
      ) => {
        await eventually(
          async () =>
            made(db(REQUESTS_TABLE).where({ campaign_id: id })).first('id'),
          240_000,
          10,
        );
        const killed = backend!;
        await killed.kill('SIGKILL');
        const row = await db(CAMPAIGNS_TABLE)
          .where({ id })
          .first('state', 'plan', 'lease_owner', 'fencing_token');
        const plan = JSON.parse(row.plan);
        kills.push({
          point,
          pid: killed.pid,
          at: Date.now(),
          campaign: row.state,
          token: Number(row.fencing_token),
          // Whether it died holding the campaign's lease, in a step.
          midStep: Boolean(
            row.lease_owner && ownerPid(row.lease_owner) === killed.pid,
          ),
          // Whether the killed step had saved the wave (else the next process makes its requests again,
          // and the idempotency keys give it the ones already made).
          waveSaved: plan.rings
            .flatMap((r: any) => r.clusters)
            .some((c: any) =>
              c.waves.some(
                (w: any) => w.requestIds.length > 0 && w.state !== 'succeeded',
              ),
            ),
        });
        // A slow cluster: the next process takes the campaign over before its inventory of the
        // cluster has synced, and waits for it rather than counting the cluster unreachable.
        const slow = options.slowCluster;
        if (slow) {
          await simulator.sim('POST', `clusters/${slow}/faults`, {
            latencyMs: 2500,
          });
        }
        try {
          await launch();
        } finally {
          if (slow) await simulator.sim('DELETE', `clusters/${slow}/faults`);
        }
      };
      await killWhen('first request of the first wave made', q => q);
      await killWhen(
        'first request of ring 2 made',
        q => q.where({ cluster: RINGS[1] }),
        { slowCluster: RINGS[1] },
      );

      const done = await campaignEnd(api(ALICE), id);
      sampling = false;
      await sampler;
      // eslint-disable-next-line no-console
      console.info(
        `campaignReplicas (killed) on ${postgres}: ${kills
          .map(
            k =>
              `killed pid ${k.pid} at "${k.point}" (campaign ${k.campaign}, ${
                k.midStep ? 'mid-step' : 'between steps'
              }, wave ${k.waveSaved ? 'saved' : 'not saved yet'}), taken over ${
                (holders.find(h => h.token > k.token)?.at ?? NaN) - k.at
              } ms later`,
          )
          .join('; ')}; lease holders ${[
          ...new Set(holders.map(h => `${h.pid}`)),
        ].join(', ')}; waited for a first inventory of ${
          [...waitedForInventory].join(', ') || 'no cluster'
        }`,
      );
      expect(kills.map(k => k.campaign)).toEqual(['running', 'running']);
      // A killed process took no lease after its death (its last one only stays until it expires),
      // and the next process took the campaign over with a higher fencing token.
      for (const [i, k] of kills.entries()) {
        expect(
          holders.filter(h => h.pid === k.pid && h.token > k.token),
        ).toEqual([]);
        const next = i + 1 < kills.length ? kills[i + 1].pid : backend!.pid;
        expect(
          holders.some(h => h.pid === next && h.token > k.token && h.at > k.at),
        ).toBe(true);
      }
      // The process that took ring 2 over while staging answered slowly waited for its inventory
      // instead of counting staging unreachable.
      expect([...waitedForInventory]).toContain(RINGS[1]);
      const events = done.events.map((e: any) => `${e.type}: ${e.message}`);
      expect(events.filter((e: string) => e === 'state: Started')).toHaveLength(
        1,
      );
      expectEachPlannedRequestOnce(
        done,
        await campaignRequests(api(ALICE), id),
      );
      await expectClustersChangedOnce(simulator, done, before);
    });
  },
);

/** What one replica's auditor heard: every cluster write, by request. */
interface AuditedWrite {
  replica: string;
  requestId: string;
  write: string;
  ok: boolean;
}

function recordingAuditor(replica: string, writes: AuditedWrite[]) {
  return createServiceFactory({
    service: coreServices.auditor,
    deps: {},
    factory: () => ({
      async createEvent(options) {
        const meta = (options.meta ?? {}) as Record<string, any>;
        const record = (ok: boolean) => {
          if (options.eventId === 'cluster-write') {
            writes.push({
              replica,
              requestId: meta.requestId,
              write: meta.write,
              ok,
            });
          }
        };
        return {
          success: async () => record(true),
          fail: async () => record(false),
        };
      },
    }),
  });
}

/** One engine step of one replica: from taking the campaign's lease to releasing it. */
interface StepInterval {
  replica: string;
  start: number;
  end?: number;
}

/**
 * Records, from a replica's own database connection, when its campaign engine took a campaign's lease
 * (the lease update answered with one row) and when it released it: the span of each of its steps.
 */
function recordCampaignSteps(
  knex: Knex,
  replica: string,
  steps: StepInterval[],
) {
  const taking = new Set<string>();
  knex.on('query', (q: any) => {
    const sql: string = q.sql ?? '';
    if (!sql.startsWith(`update "${CAMPAIGNS_TABLE}" set "lease_owner"`))
      return;
    if (sql.includes('fencing_token + 1')) {
      taking.add(q.__knexQueryUid);
    } else if (sql.includes('"fencing_token" =')) {
      const open = steps.find(s => s.replica === replica && !s.end);
      if (open) open.end = Date.now();
    }
  });
  knex.on('query-response', (response: unknown, q: any) => {
    if (!taking.delete(q.__knexQueryUid)) return;
    if (response === 1) steps.push({ replica, start: Date.now() });
  });
  knex.on('query-error', (_error: unknown, q: any) => {
    taking.delete(q.__knexQueryUid);
  });
}

/**
 * Two backend replicas (two backends in this process, each with its own connection pool and campaign
 * engine timer) on one PostgreSQL database run one campaign: both take steps, never at once, each
 * planned request is made once, and each cluster write is made once, by one replica.
 */
(postgres ? describe : describe.skip)(
  'two backend replicas running one campaign',
  () => {
    let simulator: MeshSimulatorProcess;
    const knexes: Knex[] = [];
    const backends: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];
    const writes: AuditedWrite[] = [];
    const steps: StepInterval[] = [];
    const api = (replica: number) => (user: string) =>
      apiAs(() => backends[replica].server, user);

    beforeAll(async () => {
      simulator = await demoFleet();
      const { entities, istioUpgrade } = istioUpgradeConfig(simulator);
      const config = { permission: { enabled: true }, istioUpgrade };
      const first = await databases.init(postgres!);
      knexes.push(first, knexFactory(first.client.config));
      for (const [i, knex] of knexes.entries()) {
        recordCampaignSteps(knex, `replica-${i}`, steps);
        backends.push(
          await startTestBackend({
            features: [
              istioUpgradePlugin,
              catalogServiceMock.factory({ entities: entities as Entity[] }),
              mockServices.rootConfig.factory({ data: config }),
              mockServices.permissions.factory({
                result: AuthorizeResult.ALLOW,
              }),
              mockServices.database.factory({ knex }),
              schedulerServiceFactory,
              recordingAuditor(`replica-${i}`, writes),
            ],
          }),
        );
      }
      for (const replica of [0, 1]) await inventoryReady(api(replica)(ALICE));
    });

    afterAll(async () => {
      for (const backend of backends) await backend.stop();
      await knexes[1]?.destroy();
      await simulator?.stop();
    });

    it('runs the campaign once: steps on both replicas, never at once, each request and write once', async () => {
      const before = await revisionsBefore(simulator);
      // Created on replica 0, approved on replica 1: either may take it from there.
      const create = await api(0)(ALICE).post(
        '/campaigns',
        campaignBody('two replicas'),
      );
      expect({
        status: create.status,
        error: create.body.error?.message,
      }).toEqual({ status: 202, error: undefined });
      const id: string = create.body.id;
      expect((await api(1)(BOB).post(`/campaigns/${id}/approve`)).status).toBe(
        200,
      );
      const done = await campaignEnd(api(0)(ALICE), id);
      // The step that finished the campaign releases its lease just after.
      await eventually(() => steps.every(s => s.end !== undefined), 10_000);

      const requests = await campaignRequests(api(1)(ALICE), id);
      expectEachPlannedRequestOnce(done, requests);
      await expectClustersChangedOnce(simulator, done, before);

      // The engine's steps: both replicas took some, and no two overlapped.
      const perReplica = ['replica-0', 'replica-1'].map(
        replica => steps.filter(s => s.replica === replica).length,
      );
      const overlaps: string[] = [];
      let busyUntil = 0;
      for (const s of [...steps].sort((a, b) => a.start - b.start)) {
        if (s.start < busyUntil) overlaps.push(`${s.replica} at ${s.start}`);
        busyUntil = Math.max(busyUntil, s.end!);
      }
      expect(overlaps).toEqual([]);
      expect(perReplica.every(n => n > 0)).toBe(true);

      // Each cluster write of the campaign's requests was made once, by one replica per lease.
      const ids = new Set(requests.map(r => r.id));
      const campaignWrites = writes.filter(w => ids.has(w.requestId));
      expect(campaignWrites.filter(w => !w.ok)).toEqual([]);
      const counted = new Map<string, number>();
      for (const w of campaignWrites) {
        const key = `${w.requestId} ${w.write}`;
        counted.set(key, (counted.get(key) ?? 0) + 1);
      }
      expect([...counted.entries()].filter(([, n]) => n > 1)).toEqual([]);
      const tokens = new Map<string, number>(
        (
          await knexes[0](REQUESTS_TABLE)
            .whereIn('id', [...ids])
            .select('id', 'fencing_token')
        ).map(row => [row.id, Number(row.fencing_token)]),
      );
      for (const r of requests) {
        const replicas = new Set(
          campaignWrites.filter(w => w.requestId === r.id).map(w => w.replica),
        );
        expect({
          id: r.id,
          writes: campaignWrites.filter(w => w.requestId === r.id).length > 0,
          replicas: tokens.get(r.id) === 1 ? replicas.size : 1,
        }).toEqual({ id: r.id, writes: true, replicas: 1 });
      }
      const writtenBy = ['replica-0', 'replica-1'].map(
        replica =>
          requests.filter(r =>
            campaignWrites.some(
              w => w.requestId === r.id && w.replica === replica,
            ),
          ).length,
      );
      // eslint-disable-next-line no-console
      console.info(
        `campaignReplicas (two replicas) on ${postgres}: engine steps replica-0 ${perReplica[0]}, replica-1 ${perReplica[1]}; ` +
          `${requests.length} requests written by replica-0 ${writtenBy[0]}, replica-1 ${writtenBy[1]}; ` +
          `${campaignWrites.length} audited cluster writes`,
      );
    });
  },
);
