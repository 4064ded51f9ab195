import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import {
  BACKEND_USER,
  realCluster,
} from '../testing/__testUtils__/realCluster';
import { apiAs, settleRequest } from '../testing/__testUtils__/requestTestKit';

jest.setTimeout(300_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const NAMESPACE = 'gw-api';
const GATEWAY = 'web';

/**
 * A Gateway API gateway on real Kubernetes with real Istio: the Gateway's `istio.io/rev` label names
 * the revision whose istiod deploys it (`<name>-istio`, rendered by istiod itself, not injected). The
 * inventory shows it as kubectl does; a gateway move relabels it, real istiod redeploys it on the
 * new revision, and the move's rollback puts it back.
 */
describe('a Gateway API gateway on the real cluster', () => {
  const cluster = realCluster();
  const OLD = cluster.oldRevision;
  const NEW = cluster.newRevision;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;
  let work: string;

  const api = (user: string) => apiAs(() => backend.server, user);

  const settle = (id: string) => settleRequest(api(ALICE), id);

  /** What kubectl shows of the gateway: its label, and the revision its ready pods run. */
  const kubectlGateway = async () => {
    const gateway = JSON.parse(
      await cluster.kubectl([
        'get',
        'gateway.gateway.networking.k8s.io',
        GATEWAY,
        '-n',
        NAMESPACE,
        '-o',
        'json',
      ]),
    );
    const pods = JSON.parse(
      await cluster.kubectl([
        'get',
        'pods',
        '-n',
        NAMESPACE,
        '-l',
        `gateway.networking.k8s.io/gateway-name=${GATEWAY}`,
        '-o',
        'json',
      ]),
    ).items.filter((p: any) => !p.metadata.deletionTimestamp);
    return {
      label: gateway.metadata.labels?.['istio.io/rev'],
      podRevisions: [
        ...new Set(
          pods.map((p: any) => p.metadata.annotations?.['istio.io/rev']),
        ),
      ].sort(),
      images: [
        ...new Set(
          pods.flatMap((p: any) => p.spec.containers.map((c: any) => c.image)),
        ),
      ].sort(),
    };
  };

  const inventoryGateway = async () => {
    const res = await api(ALICE).get(`/clusters/${cluster.name}/inventory`);
    return res.body.gatewayApiGateways?.find(
      (g: any) => g.namespace === NAMESPACE && g.name === GATEWAY,
    );
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gateway-api-'));
    const file = join(work, 'gateway.json');
    writeFileSync(
      file,
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: {
            name: GATEWAY,
            namespace: NAMESPACE,
            labels: { 'istio.io/rev': OLD },
          },
          spec: {
            gatewayClassName: 'istio',
            listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
          },
        },
      ]
        .map(d => JSON.stringify(d))
        .join('\n---\n'),
    );
    await cluster.kubectl(['apply', '-f', file]);
    await eventually(
      async () =>
        (await cluster
          .kubectl([
            'rollout',
            'status',
            `deployment/${GATEWAY}-istio`,
            '-n',
            NAMESPACE,
            '--timeout=5s',
          ])
          .then(() => true)
          .catch(() => false)) || undefined,
      120_000,
      1000,
    );

    backend = await startInventoryTestBackend(cluster, {
      token: 'admin',
      config: {
        permission: { enabled: true },
        istioUpgrade: {
          clusters: {
            allowedPrivateHosts: ['127.0.0.1'],
            credentials: {
              [cluster.name]: {
                serviceAccountToken: cluster.clusters[0].tokens.admin,
              },
            },
          },
          requests: {
            pollIntervalMs: 200,
            sweepInterval: { seconds: 1 },
            leaseTtl: { seconds: 10 },
            defaults: { watchWindowSeconds: 5 },
          },
        },
      },
    });
    await eventually(async () => {
      const res = await api(ALICE).get(`/clusters/${cluster.name}/inventory`);
      return res.body?.cluster?.sync?.complete ? res.body : undefined;
    }, 120_000);
  }, 300_000);

  afterAll(async () => {
    await backend?.stop();
    await cluster.kubectl([
      'delete',
      'namespace',
      NAMESPACE,
      '--wait=false',
      '--ignore-not-found',
    ]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shows the gateway with the revision its label names and its pods run, as kubectl does', async () => {
    const seen = await kubectlGateway();
    expect(seen).toEqual({
      label: OLD,
      podRevisions: [OLD],
      images: [`docker.io/istio/proxyv2:${cluster.oldVersion}`],
    });
    const gateway = await eventually(async () => {
      const g = await inventoryGateway();
      return g?.readyReplicas > 0 ? g : undefined;
    }, 60_000);
    expect(gateway).toMatchObject({
      gatewayClassName: 'istio',
      revisionLabel: OLD,
      revision: OLD,
      deployment: `${GATEWAY}-istio`,
      deployed: true,
    });
    expect(gateway.podsByRevision.map((r: any) => r.revision)).toEqual([OLD]);

    // Each istiod of this lab runs outside the cluster, its webhooks calling a URL: no proxy, the
    // Gateway API gateway's included, is reported detached from its control plane.
    const body = (await api(ALICE).get(`/clusters/${cluster.name}/inventory`))
      .body;
    expect(
      (body.warnings ?? []).filter((w: any) => w.code === 'proxy-detached'),
    ).toEqual([]);
  });

  it('moves it to the new revision once approved, real istiod redeploys it, and the rollback puts it back', async () => {
    const move = {
      type: 'gateway-move',
      cluster: cluster.name,
      revision: NEW,
      target: { namespace: NAMESPACE, gateway: GATEWAY },
    };
    const dryRun = await api(ALICE).post('/requests', {
      ...move,
      dryRun: true,
    });
    expect({
      status: dryRun.status,
      error: dryRun.body.error?.message,
    }).toEqual({ status: 200, error: undefined });
    expect(dryRun.body.plan).toMatchObject({
      fromRevision: OLD,
      toRevision: NEW,
    });

    const audit = cluster.auditPosition();
    const created = await api(ALICE).post('/requests', move);
    expect({
      status: created.status,
      error: created.body.error?.message,
    }).toEqual({ status: 202, error: undefined });
    expect(created.body.state).toBe('pending-approval');
    expect(
      (await api(BOB).post(`/requests/${created.body.id}/approve`)).status,
    ).toBe(200);
    const done = await settle(created.body.id);
    expect({ state: done.state, error: done.error }).toEqual({
      state: 'succeeded',
      error: undefined,
    });
    expect(await kubectlGateway()).toEqual({
      label: NEW,
      podRevisions: [NEW],
      images: [`docker.io/istio/proxyv2:${cluster.newVersion}`],
    });
    await eventually(async () => {
      const g = await inventoryGateway();
      return g?.revision === NEW &&
        g.podsByRevision.every((r: any) => r.revision === NEW)
        ? g
        : undefined;
    }, 60_000);

    const rollback = await api(ALICE).post(
      `/requests/${created.body.id}/rollback`,
    );
    expect(rollback.status).toBe(202);
    expect(rollback.body).toMatchObject({
      type: 'gateway-move',
      revision: OLD,
      rollbackOf: created.body.id,
      state: 'pending-approval',
    });
    expect(
      (await api(BOB).post(`/requests/${rollback.body.id}/approve`)).status,
    ).toBe(200);
    expect((await settle(rollback.body.id)).state).toBe('succeeded');
    expect(await kubectlGateway()).toEqual({
      label: OLD,
      podRevisions: [OLD],
      images: [`docker.io/istio/proxyv2:${cluster.oldVersion}`],
    });
    // The backend's only writes to Gateways: the label, by the move and by its rollback.
    const gatewayWrites = cluster
      .auditEvents(audit)
      .filter(
        e =>
          e.stage === 'ResponseComplete' &&
          e.user.username === BACKEND_USER &&
          e.objectRef?.resource === 'gateways' &&
          e.objectRef.namespace === NAMESPACE &&
          ['create', 'update', 'patch', 'delete'].includes(e.verb),
      )
      .map(e => `${e.verb} ${e.objectRef?.name} ${e.responseStatus?.code}`);
    expect(gatewayWrites).toEqual([
      `patch ${GATEWAY} 200`,
      `patch ${GATEWAY} 200`,
    ]);
  });
});
