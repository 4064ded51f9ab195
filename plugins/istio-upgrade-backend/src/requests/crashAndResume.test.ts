import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { eventually } from '../testing/__testUtils__/inventoryTestBackend';
import {
  BackendProcess,
  freePort,
  startBackendProcess,
} from '../testing/__testUtils__/startBackendProcess';
import {
  BOOKINFO_WAVES,
  deploymentRestarts,
  ENDED_STATES,
  logOf,
  bookinfoComponents,
  RequestView,
  restartWrites as restartWritesIn,
  sharedPostgresConfig,
  stepState,
  kubectlItems,
} from '../testing/__testUtils__/requestTestKit';
import { configuredPostgres } from '../testing/__testUtils__/testPostgres';

jest.setTimeout(240_000);

const CAROL = 'user:default/carol';
const [WAVE_1, WAVE_2] = BOOKINFO_WAVES;

const postgres = configuredPostgres();
const databases = TestDatabases.create({ ids: postgres ? [postgres] : [] });

const restartWrites = (r: RequestView, names: string[]) =>
  restartWritesIn(r, 'bookinfo', names);

/**
 * Where the backend is killed, as seen through its API just before: each is a moment a crash must not
 * make the migration restart a workload twice or lose its place.
 */
const KILL_POINTS: Array<{
  name: string;
  when: (r: RequestView) => boolean;
  /** The next process starts while the cluster answers slowly: its first sweeps see a partial inventory. */
  slowSync?: boolean;
}> = [
  {
    name: 'right after the namespace relabel',
    when: r =>
      r.events.some(
        e =>
          e.type === 'cluster-write' &&
          e.message.startsWith('patch namespace bookinfo'),
      ) && restartWrites(r, WAVE_1).length === 0,
  },
  {
    name: 'mid-wave, after two of the three restart patches of wave 1',
    when: r =>
      restartWrites(r, WAVE_1).length === 2 &&
      stepState(r, 'restart-wave-1') === 'running',
  },
  {
    name: 'during the rollout wait of wave 2',
    when: r =>
      restartWrites(r, WAVE_2).length === 3 &&
      stepState(r, 'restart-wave-2') === 'running',
    slowSync: true,
  },
  {
    name: 'during verify',
    when: r => stepState(r, 'verify') === 'running',
  },
];

/** The backend's database: a fresh PostgreSQL database when one is configured, else SQLite files. */
async function survivingDatabase(): Promise<{
  engine: string;
  config: Record<string, unknown>;
  cleanup: () => void;
}> {
  if (postgres) {
    const { database, config } = sharedPostgresConfig(
      await databases.init(postgres),
    );
    return {
      engine: `PostgreSQL (${postgres}, database ${database})`,
      config,
      cleanup: () => {},
    };
  }
  // eslint-disable-next-line no-console
  console.warn(
    'crashAndResume: no PostgreSQL configured (BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING); ' +
      'the backend process keeps its database in SQLite files instead',
  );
  const directory = mkdtempSync(join(tmpdir(), 'istio-upgrade-db-'));
  return {
    engine: `SQLite files in ${directory}`,
    config: { client: 'better-sqlite3', connection: { directory } },
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}

describe('a migration whose backend process is killed', () => {
  let simulator: MeshSimulatorProcess;
  let backend: BackendProcess | undefined;
  let database: Awaited<ReturnType<typeof survivingDatabase>>;
  let launch: (options?: { slowSync?: boolean }) => Promise<BackendProcess>;

  const get = (path: string) =>
    request(backend!.url)
      .get(`/api/istio-upgrade${path}`)
      .set('Authorization', mockCredentials.user.header(CAROL));

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 2 });
    database = await survivingDatabase();
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    const port = await freePort();
    const config = {
      backend: { database: database.config },
      permission: { enabled: true },
      istioUpgrade: {
        ...setup.config.istioUpgrade,
        requests: {
          leaseTtl: { seconds: 3 },
          sweepInterval: { seconds: 1 },
          pollIntervalMs: 100,
          defaults: { waveSize: 3, pauseBetweenWavesSeconds: 0 },
        },
      },
    };
    const entities = [...setup.entities, ...bookinfoComponents(CAROL)];
    // Every cluster call takes 200 ms more, so each kill point lasts long enough to be seen; 2.5 s
    // while a process starts slowly, so that its sweeps run before its inventory is listed.
    const latency = (latencyMs: number) =>
      simulator.sim('POST', 'clusters/seed/faults', { latencyMs });
    launch = async (options = {}) => {
      if (options.slowSync) await latency(2500);
      backend = await startBackendProcess({ config, entities, port });
      await eventually(async () => {
        const res = await get('/clusters/seed/inventory');
        return res.body?.cluster?.sync?.complete;
      });
      await latency(200);
      return backend;
    };
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
    database?.cleanup();
  });

  it('completes after SIGKILLs at four points, each workload restarted exactly once', async () => {
    const before = await deploymentRestarts(simulator.kubectl, 'bookinfo');
    expect(Object.keys(before).sort()).toEqual([...WAVE_1, ...WAVE_2]);

    await launch();
    await simulator.sim('POST', 'clusters/seed/traffic/reset');

    const created = await request(backend!.url)
      .post('/api/istio-upgrade/requests')
      .set('Authorization', mockCredentials.user.header(CAROL))
      .send({
        type: 'namespace-migration',
        cluster: 'seed',
        revision: '1-10-4',
        target: { namespace: 'bookinfo' },
        entityRef: 'component:default/productpage',
      });
    expect(created.body.error?.message ?? '').toBe('');
    expect(created.status).toBe(202);
    const id = created.body.id;

    const killedAt: Array<{ point: string; steps: string[] }> = [];
    for (const point of KILL_POINTS) {
      const seen: RequestView = await eventually(
        async () => {
          const res = await get(`/requests/${id}`);
          return res.status === 200 &&
            (point.when(res.body) || ENDED_STATES.includes(res.body.state))
            ? res.body
            : false;
        },
        90_000,
        25,
      );
      await backend!.kill('SIGKILL');
      expect({
        point: point.name,
        reached: point.when(seen),
        state: seen.state,
        log: point.when(seen) ? [] : logOf(seen),
      }).toEqual({
        point: point.name,
        reached: true,
        state: 'running',
        log: [],
      });
      killedAt.push({
        point: point.name,
        steps: seen.steps.map(s => `${s.name}:${s.state}`),
      });
      await launch({ slowSync: point.slowSync });
    }

    const done: RequestView = await eventually(
      async () => {
        const res = await get(`/requests/${id}`);
        return ENDED_STATES.includes(res.body.state) ? res.body : undefined;
      },
      120_000,
      250,
    );
    const log = logOf(done);
    expect({ state: done.state, log }).toMatchObject({ state: 'succeeded' });
    expect(done.steps.map(s => `${s.name}:${s.state}`)).toEqual([
      'precheck:succeeded',
      'relabel-namespace:succeeded',
      'restart-wave-1:succeeded',
      'restart-wave-2:succeeded',
      'verify:succeeded',
    ]);
    expect(done.progress).toMatchObject({ podsInScope: 6, podsMigrated: 6 });

    // The log shows one start and a resume by a new process after each kill, each with a higher
    // fencing token.
    expect(log.filter(l => l === 'state: Started')).toHaveLength(1);
    const resumes = done.events
      .filter(e => e.type === 'lease')
      .map(e => Number(/\(lease (\d+)\)/.exec(e.message)?.[1]));
    expect(resumes).toHaveLength(KILL_POINTS.length);
    expect(resumes).toEqual([...resumes].sort((a, b) => a - b));
    expect(new Set(resumes).size).toBe(resumes.length);

    // Each workload got one restart stamp: a write, or a write found done after a kill — never two.
    for (const name of [...WAVE_1, ...WAVE_2]) {
      expect(restartWrites(done, [name]).length).toBeLessThanOrEqual(1);
    }

    // The cluster's truth: each Deployment is the same object, restarted once (one new ReplicaSet,
    // revision 2), with the stamp of its single restart, and every pod runs 1-10-4.
    const after = await deploymentRestarts(simulator.kubectl, 'bookinfo');
    for (const [name, d] of Object.entries(after)) {
      expect({
        name,
        uid: d.uid,
        revision: d.revision,
        replicaSets: d.replicaSets,
        stamped: Boolean(d.stamp),
        writesWithThisStamp: restartWrites(done, [name]).every(e =>
          e.message.includes(`=${d.stamp})`),
        ),
      }).toEqual({
        name,
        uid: before[name].uid,
        revision: '2',
        replicaSets: 2,
        stamped: true,
        writesWithThisStamp: true,
      });
    }
    const pods = kubectlItems(
      await simulator.kubectl(['get', 'pods', '-n', 'bookinfo', '-o', 'json']),
    );
    expect(
      pods.map(
        p =>
          JSON.parse(p.metadata.annotations['sidecar.istio.io/status'])
            .revision,
      ),
    ).toEqual(Array(6).fill('1-10-4'));

    // Crashes drop no traffic: the workloads were restarted one rollout at a time, never twice.
    const traffic = await simulator.sim('GET', 'clusters/seed/traffic');
    expect(traffic.sent).toBeGreaterThan(0);
    expect(traffic.failed).toBe(0);

    // eslint-disable-next-line no-console
    console.info(
      `crashAndResume on ${database.engine}: killed ${killedAt
        .map(k => `${k.point} [${k.steps.join(', ')}]`)
        .join('; ')}`,
    );
  });
});
