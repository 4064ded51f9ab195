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
  bookinfoComponents,
  deploymentRestarts,
  ENDED_STATES,
  logOf,
  RequestView,
  restartWrites,
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
const BOOKINFO = BOOKINFO_WAVES.flat();
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

const postgres = configuredPostgres();
const databases = TestDatabases.create({ ids: postgres ? [postgres] : [] });
if (!postgres) {
  // Written to stderr, not the console: Jest drops the console output of a suite whose tests all skip.
  process.stderr.write(
    'frozenBeforeWrite: SKIPPED — two backend processes share one database here, which needs PostgreSQL; ' +
      'set BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING (scripts/test.sh does when 127.0.0.1:5432 answers)\n',
  );
}

/** A request the simulator's hold caught, as `GET /sim/v1/clusters/<name>/holds` lists it. */
interface HeldRequest {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  releasedAt?: string;
  status?: number;
}

/**
 * Two backend processes on one PostgreSQL database, and the race the lease alone cannot fence: the
 * replica running a migration has checked its lease and sent a restart PATCH, and freezes (SIGSTOP)
 * before the PATCH reaches the API server (the simulator holds it). Its lease expires, the other
 * replica takes the request over and restarts that Deployment itself; only then does the held PATCH
 * arrive. It carries the resourceVersion read before the lease check, so the API server refuses it
 * (409), and the replica, woken up, writes nothing more to the cluster.
 */
(postgres ? describe : describe.skip)(
  'a replica frozen between its lease check and its cluster write',
  () => {
    let simulator: MeshSimulatorProcess;
    let knex: Knex;
    const replicas: BackendProcess[] = [];

    const api = (replica: BackendProcess) => apiAs(() => replica.url, CAROL);

    const held = async (): Promise<HeldRequest[]> =>
      (await simulator.sim('GET', 'clusters/seed/holds')).held;

    /** Write requests the simulated cluster has received, from anyone. */
    const clusterWrites = async (): Promise<number> => {
      const { byVerb } = await simulator.sim('GET', 'clusters/seed/stats');
      return WRITE_VERBS.reduce((sum, verb) => sum + (byVerb[verb] ?? 0), 0);
    };

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
      // Each process may take up to startBackendProcess's 90 s to serve on a busy machine.
    }, 240_000);

    afterAll(async () => {
      await simulator?.sim('DELETE', 'clusters/seed/faults');
      for (const replica of replicas) {
        process.kill(replica.pid, 'SIGCONT');
        await replica.stop();
      }
      await simulator?.stop();
    });

    it('has its late PATCH refused (409) and writes nothing more once the other replica has written', async () => {
      const before = await deploymentRestarts(simulator.kubectl, 'bookinfo');
      // The first restart PATCH in bookinfo waits at the API server until the test releases it.
      await simulator.sim('POST', 'clusters/seed/faults', {
        holds: [
          {
            verbs: ['patch'],
            resources: ['deployments'],
            namespace: 'bookinfo',
            seconds: 120,
          },
        ],
      });
      const created = await api(replicas[0]).post('/requests', {
        type: 'namespace-migration',
        cluster: 'seed',
        revision: '1-10-4',
        target: { namespace: 'bookinfo' },
        entityRef: 'component:default/productpage',
      });
      expect(created.status).toBe(202);
      const id = created.body.id;

      const [caught] = await eventually(
        async () => {
          const list = await held();
          return list.length > 0 ? list : undefined;
        },
        60_000,
        10,
      );
      expect(caught).toMatchObject({ verb: 'patch', namespace: 'bookinfo' });
      expect(caught.releasedAt).toBeUndefined();
      const { holder: frozen, other } = await leaseHolder(knex, id, replicas);
      expect(frozen).toBeDefined();

      // The PATCH it sent is held: freeze it there, outside a database transaction (a frozen open
      // transaction would hold its row lock, and the takeover would rightly wait for it).
      await freezeOutsideTransaction(knex, frozen);

      // Its lease expires; the other replica takes the request over and restarts that Deployment.
      await eventually(
        async () => {
          const { body } = await api(other).get(`/requests/${id}`);
          return restartWrites(body, 'bookinfo', [caught.name!]).length > 0;
        },
        60_000,
        100,
      );
      // Only now does the frozen replica's PATCH reach the API server: it is refused.
      expect(
        await simulator.sim('POST', 'clusters/seed/holds/release'),
      ).toEqual({ released: 1 });
      const [answered] = await eventually(async () => {
        const list = await held();
        return list[0]?.status !== undefined ? list : undefined;
      });
      expect(answered).toMatchObject({
        verb: 'patch',
        resource: 'deployments',
        namespace: 'bookinfo',
        name: caught.name,
        status: 409,
      });

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

      // The frozen replica wakes up: nobody else has anything to write now, so every write request
      // the cluster receives from here on would be the frozen replica's.
      const writesBefore = await clusterWrites();
      process.kill(frozen.pid, 'SIGCONT');
      await eventually(
        () => /interrupted on .*the lease was lost/.test(frozen.output()),
        30_000,
      );
      expect(await clusterWrites()).toBe(writesBefore);

      const after: RequestView = (await api(other).get(`/requests/${id}`)).body;
      const log = logOf(after);
      expect(log).toEqual(logOf(done));
      // Every restart written was the other replica's, after it resumed the request, once per
      // Deployment.
      const resumed = log.findIndex(l => l.startsWith('lease: Resumed by '));
      expect(log[resumed]).toMatch(
        new RegExp(`^lease: Resumed by .*:${other.pid}:.* \\(lease 2\\)$`),
      );
      expect(
        restartWrites(
          { ...after, events: after.events.slice(0, resumed) },
          'bookinfo',
          BOOKINFO,
        ),
      ).toEqual([]);
      for (const name of BOOKINFO) {
        expect({
          name,
          writes: restartWrites(after, 'bookinfo', [name]).length,
        }).toEqual({ name, writes: 1 });
      }
      expect(log[log.length - 1]).toBe('state: Succeeded');
      expect(after.progress).toMatchObject({ podsInScope: 6, podsMigrated: 6 });

      // The cluster: every Deployment restarted exactly once.
      const restarts = await deploymentRestarts(simulator.kubectl, 'bookinfo');
      expect(Object.keys(restarts).sort()).toEqual([...BOOKINFO].sort());
      for (const [name, d] of Object.entries(restarts)) {
        expect({ name, uid: d.uid, revision: d.revision }).toEqual({
          name,
          uid: before[name].uid,
          revision: '2',
        });
      }
    });
  },
);
