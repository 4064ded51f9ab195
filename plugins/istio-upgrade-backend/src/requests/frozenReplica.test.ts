import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { eventually } from '../testing/__testUtils__/inventoryTestBackend';
import {
  apiAs,
  BOOKINFO_WAVES,
  deploymentRestarts,
  ENDED_STATES,
  logOf,
  bookinfoComponents,
  RequestView,
  restartWrites,
  stepState,
} from '../testing/__testUtils__/requestTestKit';
import {
  BackendProcess,
  freePort,
  startBackendProcess,
} from '../testing/__testUtils__/startBackendProcess';
import {
  freezeOutsideTransaction,
  leaseHolder,
  sharedReplicaConfig,
} from '../testing/__testUtils__/replicaTestKit';
import { configuredPostgres } from '../testing/__testUtils__/testPostgres';

jest.setTimeout(180_000);

const CAROL = 'user:default/carol';
const [WAVE_1] = BOOKINFO_WAVES;

const postgres = configuredPostgres();
const databases = TestDatabases.create({ ids: postgres ? [postgres] : [] });
if (!postgres) {
  // Written to stderr, not the console: Jest drops the console output of a suite whose tests all skip.
  process.stderr.write(
    'frozenReplica: SKIPPED — two backend processes share one database here, which needs PostgreSQL; ' +
      'set BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING (scripts/test.sh does when 127.0.0.1:5432 answers)\n',
  );
}

/**
 * Two backend processes on one PostgreSQL database. The one running a migration is frozen (SIGSTOP)
 * past its lease in the middle of a rollout wait; the other takes the request over and completes it.
 * When the frozen one wakes up (SIGCONT), its fencing token is stale: it must write nothing more —
 * no cluster write, no step state, no event, no progress.
 */
(postgres ? describe : describe.skip)('a replica frozen past its lease', () => {
  let simulator: MeshSimulatorProcess;
  let knex: Knex;
  const replicas: BackendProcess[] = [];

  const api = (replica: BackendProcess) => apiAs(() => replica.url, CAROL);

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 2 });
    knex = await databases.init(postgres!);
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    const config = sharedReplicaConfig(knex, setup.config.istioUpgrade);
    const entities = [...setup.entities, ...bookinfoComponents(CAROL)];
    // One after the other: both run the plugin's migrations on the same database.
    for (let i = 0; i < 2; i++) {
      const replica = await startBackendProcess({
        config,
        entities,
        port: await freePort(),
      });
      replicas.push(replica);
      await eventually(async () => {
        const res = await api(replica).get('/clusters/seed/inventory');
        return res.body?.cluster?.sync?.complete;
      });
    }
    // Cluster calls take 200 ms, so the rollout wait lasts long enough to freeze the holder in it.
    await simulator.sim('POST', 'clusters/seed/faults', { latencyMs: 200 });
  });

  afterAll(async () => {
    for (const replica of replicas) {
      process.kill(replica.pid, 'SIGCONT');
      await replica.stop();
    }
    await simulator?.stop();
  });

  it('writes nothing after another replica took its request over, and the request completes once', async () => {
    const before = await deploymentRestarts(simulator.kubectl, 'bookinfo');
    const created = await api(replicas[0]).post('/requests', {
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
    });
    expect(created.status).toBe(202);
    const id = created.body.id;

    // Wave 1's restarts are written and its rollouts are being waited for.
    await eventually(
      async () => {
        const { body } = await api(replicas[0]).get(`/requests/${id}`);
        return (
          restartWrites(body, 'bookinfo', WAVE_1).length === 3 &&
          stepState(body, 'restart-wave-1') === 'running'
        );
      },
      60_000,
      25,
    );
    const { holder, other } = await leaseHolder(knex, id, replicas);
    expect(holder).toBeDefined();

    // Freeze the holder outside a database transaction (a frozen open transaction would hold its
    // row lock, and the takeover would rightly wait for it).
    await freezeOutsideTransaction(knex, holder);

    const done: RequestView = await eventually(
      async () => {
        const { body } = await api(other).get(`/requests/${id}`);
        return ENDED_STATES.includes(body.state) ? body : undefined;
      },
      120_000,
      250,
    );
    expect({ state: done.state, log: logOf(done) }).toMatchObject({
      state: 'succeeded',
    });

    process.kill(holder.pid, 'SIGCONT');
    await eventually(
      () => /interrupted on .*the lease was lost/.test(holder.output()),
      30_000,
    );

    const after: RequestView = (await api(other).get(`/requests/${id}`)).body;
    const log = logOf(after);
    // The request was started once, resumed once (by the other replica, with the next fencing
    // token), each step was done once, and nothing was logged after the outcome.
    expect(log.filter(l => l === 'state: Started')).toHaveLength(1);
    expect(log.filter(l => l.startsWith('lease: '))).toEqual([
      expect.stringMatching(
        new RegExp(`^lease: Resumed by .*:${other.pid}:.* \\(lease 2\\)$`),
      ),
    ]);
    for (const step of after.steps) {
      expect(log.filter(l => l === `step: ${step.name} done`)).toHaveLength(1);
    }
    expect(log[log.length - 1]).toBe('state: Succeeded');
    expect(log).toEqual(logOf(done));
    expect(after.steps.map(s => s.state)).toEqual(
      after.steps.map(() => 'succeeded'),
    );
    expect(after.progress).toMatchObject({ podsInScope: 6, podsMigrated: 6 });

    // The cluster: every Deployment restarted once.
    const restarts = await deploymentRestarts(simulator.kubectl, 'bookinfo');
    for (const [name, d] of Object.entries(restarts)) {
      expect({ name, uid: d.uid, revision: d.revision }).toEqual({
        name,
        uid: before[name].uid,
        revision: '2',
      });
    }
  });
});
