import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { eventually } from './inventoryTestBackend';

/** States a request does not leave. */
/** Request settings that keep end-to-end tests fast: short polls and leases, no pause between waves. */
export const FAST_REQUESTS = {
  pollIntervalMs: 200,
  sweepInterval: { seconds: 1 },
  leaseTtl: { seconds: 5 },
  defaults: { pauseBetweenWavesSeconds: 0, watchWindowSeconds: 3, waveSize: 3 },
};

export const ENDED_STATES = ['succeeded', 'failed', 'rolled-back', 'cancelled'];

/** Bookinfo's Deployments in the order the planner puts them in waves of three. */
export const BOOKINFO_WAVES = [
  ['details-v1', 'productpage-v1', 'ratings-v1'],
  ['reviews-v1', 'reviews-v2', 'reviews-v3'],
];

/** What a test reads of `GET /requests/{id}`. */
export interface RequestView {
  id: string;
  state: string;
  steps: Array<{ name: string; state: string; message?: string }>;
  events: Array<{ type: string; message: string }>;
  progress: { podsInScope: number; podsMigrated: number };
}

/** The event log as `type: message` lines, to show in a failed expectation. */
export const logOf = (r: RequestView) =>
  r.events.map(e => `${e.type}: ${e.message}`);

export const stepState = (r: RequestView, name: string) =>
  r.steps.find(s => s.name === name)?.state;

/** The log's restart writes of the named Deployments of `namespace`. */
export const restartWrites = (
  r: RequestView,
  namespace: string,
  names: string[],
) =>
  r.events.filter(
    e =>
      e.type === 'cluster-write' &&
      names.some(n =>
        e.message.startsWith(`restart Deployment ${namespace}/${n} `),
      ),
  );

/** A Component owned by `owner`, mapped to its workloads as the Kubernetes plugin maps them. */
export function ownedComponent(name: string, namespace: string, owner: string) {
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
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/**
 * Bookinfo's four services as Components owned by `owner`, as a team owns them in the demo catalog:
 * a whole-namespace migration of bookinfo by that owner restarts nobody else's workloads.
 */
export function bookinfoComponents(owner: string) {
  return ['productpage', 'details', 'reviews', 'ratings'].map(name =>
    ownedComponent(name, 'bookinfo', owner),
  );
}

/**
 * Per Deployment of `namespace`: its uid, `deployment.kubernetes.io/revision`, how many ReplicaSets
 * it owns and its restart stamp, as kubectl sees them.
 */
/** The items of what `kubectl get -o json` printed; tests read a few fields of them. */
export function kubectlItems(json: string): Array<Record<string, any>> {
  return JSON.parse(json).items;
}

export async function deploymentRestarts(
  kubectl: (args: string[]) => Promise<string>,
  namespace: string,
) {
  const deployments = kubectlItems(
    await kubectl(['get', 'deploy', '-n', namespace, '-o', 'json']),
  );
  const replicaSets = kubectlItems(
    await kubectl(['get', 'rs', '-n', namespace, '-o', 'json']),
  );
  return Object.fromEntries(
    deployments.map(d => [
      d.metadata.name as string,
      {
        uid: d.metadata.uid as string,
        revision: d.metadata.annotations?.[
          'deployment.kubernetes.io/revision'
        ] as string,
        replicaSets: replicaSets.filter(rs =>
          rs.metadata.ownerReferences?.some(
            (o: any) => o.uid === d.metadata.uid,
          ),
        ).length,
        stamp: d.spec.template.metadata?.annotations?.[
          'kubectl.kubernetes.io/restartedAt'
        ] as string | undefined,
      },
    ]),
  );
}

/**
 * `backend.database` for backend processes sharing the PostgreSQL database of a `TestDatabases` knex:
 * the plugin's database is that one, so the test reads what the processes write.
 */
export function sharedPostgresConfig(knex: {
  client: { config: { connection: any } };
}) {
  const { database, ...connection } = knex.client.config.connection;
  return {
    database: database as string,
    config: {
      client: 'pg',
      connection,
      plugin: { 'istio-upgrade': { connection: { database } } },
    },
  };
}

/**
 * The istio-upgrade REST API as `user`, on the server `server()` returns at each call (a test's backend
 * is started in its beforeAll, after the helper is made).
 */
export function apiAs(
  server: () => Parameters<typeof request>[0],
  user: string,
) {
  const auth = mockCredentials.user.header(user);
  return {
    get: (path: string) =>
      request(server())
        .get(`/api/istio-upgrade${path}`)
        .set('Authorization', auth),
    post: (path: string, body: object = {}) =>
      request(server())
        .post(`/api/istio-upgrade${path}`)
        .set('Authorization', auth)
        .send(body),
  };
}

/** Waits until request `id` has ended (read through `api`) and returns it. */
export function settleRequest(
  api: ReturnType<typeof apiAs>,
  id: string,
  timeoutMs = 180_000,
): Promise<any> {
  return eventually(
    async () => {
      const res = await api.get(`/requests/${id}`);
      return ENDED_STATES.includes(res.body.state) ? res.body : undefined;
    },
    timeoutMs,
    300,
  );
}
