import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { istioUpgradePlugin } from '../plugin';
import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { eventually } from '../testing/__testUtils__/inventoryTestBackend';
import {
  ENDED_STATES,
  logOf,
  ownedComponent,
  RequestView,
  restartWrites,
  kubectlItems,
} from '../testing/__testUtils__/requestTestKit';
import { configuredPostgres } from '../testing/__testUtils__/testPostgres';

jest.setTimeout(240_000);

const CAROL = 'user:default/carol';
const DAVE = 'user:default/dave';
/** `fleet:1x3750`: namespaces team-001…team-075 of five 10-pod Deployments (svc-1…svc-5). */
const NAMESPACES = Array.from(
  { length: 75 },
  (_, i) => `team-${String(i + 1).padStart(3, '0')}`,
);
/** The 50 that run the old revision 1-30-1 (the others follow the `canary` tag, 1-30-4 already). */
const MIGRATING = NAMESPACES.filter((_, i) => (i + 1) % 3 !== 0);
const PENDING_TARGET = 'team-003';
const DEPLOYMENTS = ['svc-1', 'svc-2', 'svc-3', 'svc-4', 'svc-5'];

const postgres = configuredPostgres();
const databases = TestDatabases.create({ ids: postgres ? [postgres] : [] });
if (!postgres) {
  // Written to stderr, not the console: Jest drops the console output of a suite whose tests all skip.
  process.stderr.write(
    'twoReplicas: SKIPPED — two backend replicas share one PostgreSQL database here; ' +
      'set BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING (scripts/test.sh does when 127.0.0.1:5432 answers)\n',
  );
}

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

/**
 * Two backend replicas (two backends in this process, each with its own connection pool, scheduler and
 * runner) on one PostgreSQL database, against one simulated cluster of 75 namespaces: 50 namespace
 * migrations asked at once through both replicas' APIs are each executed exactly once, and a second
 * request for a busy target gets 409 from either replica.
 */
(postgres ? describe : describe.skip)(
  'two backend replicas on one PostgreSQL database',
  () => {
    let simulator: MeshSimulatorProcess;
    const knexes: Knex[] = [];
    const backends: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];
    const writes: AuditedWrite[] = [];

    const api = (replica: number, user = CAROL) => ({
      get: (path: string) =>
        request(backends[replica].server)
          .get(`/api/istio-upgrade${path}`)
          .set('Authorization', mockCredentials.user.header(user)),
      post: (path: string, body: object) =>
        request(backends[replica].server)
          .post(`/api/istio-upgrade${path}`)
          .set('Authorization', mockCredentials.user.header(user))
          .send(body),
    });

    const migration = (namespace: string) => ({
      type: 'namespace-migration',
      cluster: 'fleet-001',
      revision: '1-30-4',
      target: { namespace },
      entityRef: `component:default/${namespace}-svc-1`,
    });

    beforeAll(async () => {
      simulator = await startMeshSimulator({
        scenarios: ['fleet:1x3750'],
        speed: 10,
      });
      const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
      const config = {
        ...setup.config,
        permission: { enabled: true },
        istioUpgrade: {
          ...setup.config.istioUpgrade,
          requests: {
            leaseTtl: { seconds: 10 },
            sweepInterval: { seconds: 1 },
            pollIntervalMs: 250,
            maxConcurrentRequests: 25,
            defaults: { waveSize: 3, pauseBetweenWavesSeconds: 2 },
          },
        },
      };
      const entities = [
        ...setup.entities,
        // Carol owns every service of the namespaces, so her whole-namespace migrations wait for
        // nobody else (a namespace shared with other owners would wait for their approval).
        ...NAMESPACES.flatMap(ns =>
          [1, 2, 3, 4, 5].map(n => ownedComponent(`${ns}-svc-${n}`, ns, CAROL)),
        ),
      ] as Entity[];
      const first = await databases.init(postgres!);
      knexes.push(first, knexFactory(first.client.config));
      for (const [i, knex] of knexes.entries()) {
        backends.push(
          await startTestBackend({
            features: [
              istioUpgradePlugin,
              catalogServiceMock.factory({ entities }),
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
      for (const replica of [0, 1]) {
        await eventually(async () => {
          const res = await api(replica).get('/clusters/fleet-001/inventory');
          return res.body?.cluster?.sync?.complete;
        }, 120_000);
      }
    });

    afterAll(async () => {
      for (const backend of backends) await backend.stop();
      await knexes[1]?.destroy();
      await simulator?.stop();
    });

    it('executes 50 concurrent migrations exactly once, and answers 409 for a busy target from either replica', async () => {
      // A request waiting for approval keeps its target busy: both replicas refuse a second one.
      const pending = await api(0, DAVE).post(
        '/requests',
        migration(PENDING_TARGET),
      );
      expect(pending.body.error?.message ?? pending.status).toBe(202);
      expect(pending.body.state).toBe('pending-approval');
      for (const replica of [0, 1]) {
        const second = await api(replica).post(
          '/requests',
          migration(PENDING_TARGET),
        );
        expect({ replica, status: second.status }).toEqual({
          replica,
          status: 409,
        });
        expect(second.body.error.message).toContain(pending.body.id);
      }

      // 50 migrations at once, each asked twice at the same moment — once through each replica, in
      // alternating order: the database lets exactly one of each pair in, the other gets 409.
      const pairs = await Promise.all(
        MIGRATING.map((ns, i) =>
          Promise.all(
            (i % 2 ? [1, 0] : [0, 1]).map(async replica => ({
              replica,
              res: await api(replica).post('/requests', migration(ns)),
            })),
          ),
        ),
      );
      const outcome = (res: request.Response) =>
        res.status === 202 || res.status === 409
          ? res.status
          : `${res.status} ${res.body.error?.message}`;
      expect(pairs.map(pair => pair.map(p => outcome(p.res)).sort())).toEqual(
        MIGRATING.map(() => [202, 409]),
      );
      const winners = pairs.map(pair => pair.find(p => p.res.status === 202)!);
      const losers = pairs.map(pair => pair.find(p => p.res.status === 409)!);
      for (const [i, loser] of losers.entries()) {
        expect(loser.res.body.error.message).toContain(winners[i].res.body.id);
      }
      const ids = winners.map(w => w.res.body.id as string);

      const done: RequestView[] = await eventually(
        async () => {
          const views = await Promise.all(
            ids.map(async id => (await api(0).get(`/requests/${id}`)).body),
          );
          return views.every(v => ENDED_STATES.includes(v.state))
            ? views
            : undefined;
        },
        180_000,
        1000,
      );
      expect(
        done.filter(r => r.state !== 'succeeded').map(r => [r.id, logOf(r)]),
      ).toEqual([]);

      const tokens = new Map<string, number>(
        (
          await knexes[0]('istio_upgrade_requests')
            .whereIn('id', ids)
            .select('id', 'fencing_token')
        ).map(row => [row.id, Number(row.fencing_token)]),
      );
      for (const [i, r] of done.entries()) {
        const namespace = MIGRATING[i];
        const log = logOf(r);
        const resumes = log.filter(l => l.startsWith('lease: Resumed by'));
        const auditedReplicas = new Set(
          writes.filter(w => w.requestId === r.id).map(w => w.replica),
        );
        expect({
          namespace,
          started: log.filter(l => l === 'state: Started').length,
          // Each lease taken after the first is a resume in the log.
          leasesTaken: tokens.get(r.id),
          // A request under a single lease was written by a single replica.
          replicas: tokens.get(r.id) === 1 ? auditedReplicas.size : 1,
          stepsDoneOnce: r.steps.every(
            s => log.filter(l => l === `step: ${s.name} done`).length === 1,
          ),
          restartsPerDeployment: DEPLOYMENTS.map(
            d =>
              writes.filter(
                w =>
                  w.ok &&
                  w.requestId === r.id &&
                  w.write.startsWith(`restart Deployment ${namespace}/${d} `),
              ).length,
          ),
          loggedRestarts: restartWrites(r, namespace, DEPLOYMENTS).length,
        }).toEqual({
          namespace,
          started: 1,
          leasesTaken: resumes.length + 1,
          replicas: 1,
          stepsDoneOnce: true,
          restartsPerDeployment: [1, 1, 1, 1, 1],
          loggedRestarts: 5,
        });
      }
      // Both replicas executed requests.
      const ranBy = new Map(done.map(r => [r.id, new Set<string>()]));
      for (const w of writes) ranBy.get(w.requestId)?.add(w.replica);
      const perReplica = ['replica-0', 'replica-1'].map(
        replica => [...ranBy.values()].filter(set => set.has(replica)).length,
      );
      expect(perReplica.every(n => n > 0)).toBe(true);
      const conflictsPerReplica = [0, 1].map(
        replica => losers.filter(l => l.replica === replica).length,
      );
      // eslint-disable-next-line no-console
      console.info(
        `twoReplicas on ${postgres}: requests written by replica-0 ${
          perReplica[0]
        }, replica-1 ${perReplica[1]}; 409 answered by replica-0 ${
          conflictsPerReplica[0]
        }, replica-1 ${conflictsPerReplica[1]}; leases taken ${[
          ...tokens.values(),
        ].reduce((a, b) => a + b, 0)} for ${ids.length} requests; ${
          writes.length
        } audited cluster writes`,
      );

      // The cluster: every Deployment of the 50 namespaces was restarted once (revision 2), the others
      // not at all, and every pod of the 50 runs 1-30-4.
      const deployments = kubectlItems(
        await simulator.kubectl(['get', 'deploy', '-A', '-o', 'json']),
      );
      const revisions = new Map<string, Set<string>>();
      for (const d of deployments) {
        if (!d.metadata.namespace.startsWith('team-')) continue;
        const set = revisions.get(d.metadata.namespace) ?? new Set();
        set.add(d.metadata.annotations['deployment.kubernetes.io/revision']);
        revisions.set(d.metadata.namespace, set);
      }
      expect(
        NAMESPACES.map(ns => `${ns}:${[...(revisions.get(ns) ?? [])]}`),
      ).toEqual(
        NAMESPACES.map(ns => `${ns}:${MIGRATING.includes(ns) ? '2' : '1'}`),
      );
      const podRevisions = (
        await simulator.kubectl([
          'get',
          'pods',
          '-A',
          '-o',
          'jsonpath={range .items[*]}{.metadata.namespace} {.metadata.annotations.istio\\.io/rev}{"\\n"}{end}',
        ])
      )
        .trim()
        .split('\n')
        .map(line => line.split(' '))
        .filter(([ns]) => MIGRATING.includes(ns));
      expect(podRevisions).toHaveLength(2500);
      expect(podRevisions.filter(([, rev]) => rev !== '1-30-4')).toEqual([]);
    });
  },
);
