import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { createServer, request as httpsRequest, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meshSimulatorBackendSetup } from '../testing/meshSimulator';
import { eventually } from '../testing/__testUtils__/inventoryTestBackend';
import {
  BACKEND_USER,
  RealCluster,
  realCluster,
} from '../testing/__testUtils__/realCluster';
import {
  apiAs,
  deploymentRestarts,
  ENDED_STATES,
  logOf,
  ownedComponent,
  RequestView,
  restartWrites,
} from '../testing/__testUtils__/requestTestKit';
import { selfSignedCertificate } from '../testing/__testUtils__/selfSignedCertificate';
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

jest.setTimeout(240_000);

const CAROL = 'user:default/carol';
const NAMESPACE = 'fenced';
const APP = 'fenced-app';
const DEPLOYMENTS = ['fenced-a', 'fenced-b', 'fenced-c'];
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A request the proxy holds, and what the API server answered once it was let through. */
interface HeldRequest {
  method: string;
  path: string;
  status?: number;
  release(): void;
}

/**
 * An HTTPS proxy in front of the real API server, on 127.0.0.1 with a certificate of its own: the
 * backends reach the cluster through it. It holds the first request `hold` matches until the test
 * releases it (kube-apiserver has nothing of the kind), and counts the write requests it receives.
 */
async function holdingProxy(
  cluster: RealCluster,
  hold: (req: IncomingMessage) => boolean,
) {
  const upstream = new URL(cluster.env.REAL_CLUSTER_SERVER);
  const { key, cert } = selfSignedCertificate();
  const held: HeldRequest[] = [];
  let armed = true;
  let writes = 0;
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      if (WRITES.has(req.method ?? '')) writes++;
      let entry: HeldRequest | undefined;
      const forward = () => {
        const up = httpsRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
            ca: cluster.caPem,
          },
          upRes => {
            if (entry) entry.status = upRes.statusCode;
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        // A watch the backend closes is closed upstream too.
        res.on('close', () => up.destroy());
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      };
      if (armed && hold(req)) {
        armed = false;
        entry = {
          method: req.method ?? '',
          path: req.url ?? '',
          release: forward,
        };
        held.push(entry);
      } else {
        forward();
      }
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: cert,
    held,
    writes: () => writes,
    close: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Three Deployments of one Component, in a namespace of their own (injection by the default tag). */
function manifests(): string {
  const docs: object[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE, labels: { 'istio-injection': 'enabled' } },
    },
    ...DEPLOYMENTS.map(name => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: NAMESPACE,
        labels: { app: name, 'backstage.io/kubernetes-id': APP },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: {
            labels: { app: name, 'backstage.io/kubernetes-id': APP },
          },
          spec: {
            containers: [
              { name: 'app', image: 'docker.io/library/nginx:1.27' },
            ],
          },
        },
      },
    })),
  ];
  return docs.map(d => JSON.stringify(d)).join('\n---\n');
}

const postgres = configuredPostgres();
const databases = TestDatabases.create({ ids: postgres ? [postgres] : [] });

/**
 * Fencing up to the cluster, on the real API server: the replica running a migration has checked its
 * lease and sent a restart PATCH, and freezes (SIGSTOP) while the PATCH is held on its way. Its lease
 * expires, the other replica takes the request over and restarts that Deployment; only then does the
 * held PATCH reach kube-apiserver. It carries the resourceVersion read before the lease check, so the
 * API server refuses it (409, in its audit log too), and the replica, woken up, writes nothing more.
 */
(postgres ? describe : describe.skip)(
  'a replica frozen between its lease check and its write, on the real cluster',
  () => {
    let cluster: RealCluster;
    let proxy: Awaited<ReturnType<typeof holdingProxy>>;
    let knex: Knex;
    let work: string;
    const replicas: BackendProcess[] = [];

    const api = (replica: BackendProcess) => apiAs(() => replica.url, CAROL);

    beforeAll(async () => {
      cluster = realCluster();
      work = mkdtempSync(join(tmpdir(), 'frozen-before-write-'));
      const file = join(work, 'fenced.yaml');
      writeFileSync(file, manifests());
      await cluster.kubectl(['apply', '-f', file]);
      for (const name of DEPLOYMENTS) {
        await cluster.kubectl(
          [
            'rollout',
            'status',
            `deployment/${name}`,
            '-n',
            NAMESPACE,
            '--timeout=120s',
          ],
          { timeoutMs: 130_000 },
        );
      }

      // The first restart PATCH of a Deployment in the namespace waits in the proxy.
      proxy = await holdingProxy(
        cluster,
        req =>
          req.method === 'PATCH' &&
          (req.url ?? '').startsWith(
            `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/`,
          ),
      );
      const setup = meshSimulatorBackendSetup(
        {
          clusters: cluster.clusters.map(c => ({ ...c, server: proxy.url })),
          caPem: proxy.caPem,
        },
        { token: 'admin' },
      );
      knex = await databases.init(postgres!);
      const config = sharedReplicaConfig(knex, setup.config.istioUpgrade);
      const entities = [
        ...setup.entities,
        ownedComponent(APP, NAMESPACE, CAROL),
      ];
      const synced = async (replica: BackendProcess) => {
        const res = await api(replica).get(
          `/clusters/${cluster.name}/inventory`,
        );
        return (
          res.body?.cluster?.sync?.complete &&
          res.body.namespaces?.some((n: any) => n.name === NAMESPACE)
        );
      };
      // One after the other: both run the plugin's migrations on the same database.
      for (let i = 0; i < 2; i++) {
        replicas.push(
          await startBackendProcess({
            config,
            entities,
            port: await freePort(),
          }),
        );
      }
      for (const replica of replicas) {
        await eventually(() => synced(replica), 120_000);
      }
    }, 300_000);

    afterAll(async () => {
      for (const replica of replicas) {
        process.kill(replica.pid, 'SIGCONT');
        await replica.stop();
      }
      for (const entry of proxy?.held ?? []) {
        if (entry.status === undefined) entry.release();
      }
      await proxy?.close();
      await cluster?.kubectl([
        'delete',
        'namespace',
        NAMESPACE,
        '--wait=false',
        '--ignore-not-found',
      ]);
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('has its late PATCH refused (409) by kube-apiserver and writes nothing more once the other replica has written', async () => {
      const before = await deploymentRestarts(cluster.kubectl, NAMESPACE);
      const audit = cluster.auditPosition();
      const created = await api(replicas[0]).post('/requests', {
        type: 'namespace-migration',
        cluster: cluster.name,
        revision: cluster.newRevision,
        target: { namespace: NAMESPACE },
        entityRef: `component:default/${APP}`,
      });
      expect({
        status: created.status,
        error: created.body.error?.message,
      }).toEqual({ status: 202, error: undefined });
      const id = created.body.id;

      const caught = await eventually(async () => proxy.held[0], 120_000, 10);
      const name = decodeURIComponent(caught.path.split('?')[0].split('/')[7]);
      expect(DEPLOYMENTS).toContain(name);
      const { holder: frozen, other } = await leaseHolder(knex, id, replicas);
      expect(frozen).toBeDefined();

      // Freeze it while its PATCH is held, outside a database transaction (a frozen open transaction
      // would hold its row lock, and the takeover would rightly wait for it).
      await freezeOutsideTransaction(knex, frozen);

      // Its lease expires; the other replica takes the request over and restarts that Deployment.
      await eventually(
        async () => {
          const { body } = await api(other).get(`/requests/${id}`);
          return restartWrites(body, NAMESPACE, [name]).length > 0;
        },
        120_000,
        100,
      );
      // Only now does the frozen replica's PATCH reach kube-apiserver: it is refused.
      caught.release();
      await eventually(async () => caught.status !== undefined);
      expect({ name, status: caught.status }).toEqual({ name, status: 409 });

      const done: RequestView = await eventually(
        async () => {
          const { body } = await api(other).get(`/requests/${id}`);
          return ENDED_STATES.includes(body.state) ? body : undefined;
        },
        180_000,
        250,
      );
      expect({ state: done.state, log: logOf(done) }).toMatchObject({
        state: 'succeeded',
      });

      // The frozen replica wakes up: nobody else has anything to write now, so every write request
      // from here on would be the frozen replica's.
      const writesBefore = proxy.writes();
      const auditBefore = cluster.auditPosition();
      process.kill(frozen.pid, 'SIGCONT');
      await eventually(
        () => /interrupted on .*the lease was lost/.test(frozen.output()),
        30_000,
      );
      expect(proxy.writes()).toBe(writesBefore);
      const backendWrites = (since: number) =>
        cluster
          .auditEvents(since)
          .filter(
            e =>
              e.stage === 'ResponseComplete' &&
              e.user.username === BACKEND_USER &&
              ['create', 'update', 'patch', 'delete'].includes(e.verb),
          );
      expect(backendWrites(auditBefore)).toEqual([]);

      // kube-apiserver's own record: the restart PATCHes of the namespace, one refused (409), one
      // accepted per Deployment.
      const patches = backendWrites(audit)
        .filter(
          e =>
            e.objectRef?.resource === 'deployments' &&
            e.objectRef.namespace === NAMESPACE,
        )
        .map(e => `${e.objectRef!.name} ${e.responseStatus?.code}`);
      expect(patches.sort()).toEqual(
        [...DEPLOYMENTS.map(d => `${d} 200`), `${name} 409`].sort(),
      );

      const after: RequestView = (await api(other).get(`/requests/${id}`)).body;
      const log = logOf(after);
      expect(log).toEqual(logOf(done));
      const resumed = log.findIndex(l => l.startsWith('lease: Resumed by '));
      expect(log[resumed]).toMatch(
        new RegExp(`^lease: Resumed by .*:${other.pid}:.* \\(lease 2\\)$`),
      );
      for (const deployment of DEPLOYMENTS) {
        expect({
          deployment,
          writes: restartWrites(after, NAMESPACE, [deployment]).length,
        }).toEqual({ deployment, writes: 1 });
      }

      // kubectl: every Deployment restarted exactly once, its pods injected by the new revision.
      const restarts = await deploymentRestarts(cluster.kubectl, NAMESPACE);
      for (const deployment of DEPLOYMENTS) {
        expect({
          deployment,
          uid: restarts[deployment].uid,
          revision: restarts[deployment].revision,
        }).toEqual({
          deployment,
          uid: before[deployment].uid,
          revision: '2',
        });
      }
    });
  },
);
