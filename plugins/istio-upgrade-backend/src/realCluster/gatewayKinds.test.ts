import { mockCredentials } from '@backstage/backend-test-utils';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import { realCluster } from '../testing/__testUtils__/realCluster';

jest.setTimeout(15 * 60_000);

const cluster = realCluster();
const OLD = cluster.oldRevision;
const NEW = cluster.newRevision;
// Namespaces of this test's own, removed at the end.
const GATEWAYS = 'gw-kinds-a';
const EDGE = 'gw-kinds-b';

/** A DaemonSet gateway, known only by its gateway injection template, exposed by a NodePort Service. */
function edgeGateway(): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'edge-gateway', namespace: EDGE },
        spec: {
          selector: { matchLabels: { app: 'edge-gateway' } },
          template: {
            metadata: {
              labels: {
                app: 'edge-gateway',
                'istio.io/rev': OLD,
                'sidecar.istio.io/inject': 'true',
              },
              annotations: { 'inject.istio.io/templates': 'gateway' },
            },
            spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'edge-gateway', namespace: EDGE },
        spec: {
          type: 'NodePort',
          selector: { app: 'edge-gateway' },
          ports: [{ name: 'http2', port: 80, targetPort: 80 }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'gw-kinds-lb', namespace: GATEWAYS },
        spec: {
          type: 'LoadBalancer',
          selector: { istio: 'ingressgateway', version: NEW },
          ports: [{ name: 'http2', port: 80, targetPort: 80 }],
        },
      },
    ],
  });
}

/**
 * Gateways of every kind on real Kubernetes and real Istio, each from Istio's own `gateway` chart
 * but the DaemonSet: an egress gateway (ClusterIP), a NodePort ingress gateway, blue/green ingress
 * gateways behind a LoadBalancer Service, and a DaemonSet gateway injected by its template alone.
 */
describe('gateways of every kind on the real cluster', () => {
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const get = (path: string) =>
    request(backend.server)
      .get(`/api/istio-upgrade${path}`)
      .set('Authorization', mockCredentials.user.header('user:default/alice'));

  const inventory = async () =>
    (await get(`/clusters/${cluster.name}/inventory`)).body;

  const cutoverPrechecks = (revision: string) =>
    get(
      `/clusters/${cluster.name}/prechecks?type=gateway-cutover&revision=${revision}&namespace=${GATEWAYS}&service=gw-kinds-lb`,
    );

  const installGateway = (
    release: string,
    revision: string,
    values: Record<string, string>,
  ) =>
    cluster.helm([
      'install',
      release,
      `${
        revision === OLD
          ? cluster.env.REAL_CLUSTER_OLD_CHARTS
          : cluster.env.REAL_CLUSTER_NEW_CHARTS
      }/gateway`,
      '-n',
      GATEWAYS,
      '--set',
      `revision=${revision}`,
      '--set',
      `name=${release}`,
      '--set',
      'autoscaling.enabled=false',
      '--set',
      'replicaCount=1',
      ...Object.entries(values).flatMap(([key, value]) => [
        '--set',
        `${key}=${value}`,
      ]),
    ]);

  beforeAll(async () => {
    await cluster.kubectl(['create', 'namespace', GATEWAYS]);
    await cluster.kubectl(['create', 'namespace', EDGE]);
    await installGateway('istio-egressgateway', OLD, {
      'service.type': 'ClusterIP',
      'labels.istio': 'egressgateway',
      'labels.version': OLD,
    });
    await installGateway('ingress-nodeport', OLD, {
      'service.type': 'NodePort',
      'labels.istio': 'nodeportgateway',
      'labels.version': OLD,
    });
    for (const revision of [OLD, NEW]) {
      await installGateway(`ingress-${revision}`, revision, {
        'service.type': 'ClusterIP',
        'labels.istio': 'ingressgateway',
        'labels.version': revision,
      });
    }
    const work = mkdtempSync(join(tmpdir(), 'gw-kinds-'));
    try {
      writeFileSync(join(work, 'edge.json'), edgeGateway());
      await cluster.kubectl(['apply', '-f', join(work, 'edge.json')]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    backend = await startInventoryTestBackend(cluster, {
      token: 'admin',
      config: {
        istioUpgrade: {
          clusters: {
            allowedPrivateHosts: ['127.0.0.1'],
            credentials: {
              [cluster.name]: {
                serviceAccountToken: cluster.clusters[0].tokens.admin,
              },
            },
          },
        },
      },
    });
    // Every gateway's pods injected and ready: the DaemonSet's one per node, one of each other.
    await eventually(
      async () => {
        const body = await inventory();
        const ours = (body.gateways ?? []).filter((g: any) =>
          [GATEWAYS, EDGE].includes(g.namespace),
        );
        return (
          ours.length === 5 &&
          ours.every((g: any) => g.ready && g.readyReplicas === g.replicas) &&
          body
        );
      },
      300_000,
      1000,
    );
  });

  afterAll(async () => {
    await backend?.stop();
    for (const namespace of [GATEWAYS, EDGE]) {
      await cluster.kubectl([
        'delete',
        'namespace',
        namespace,
        '--wait=false',
        '--ignore-not-found',
      ]);
    }
  });

  it('recognises each gateway for what it is: egress or ingress, how it is exposed, Deployment or DaemonSet', async () => {
    const body = await inventory();
    expect(
      body.gateways
        .filter((g: any) => [GATEWAYS, EDGE].includes(g.namespace))
        .map((g: any) =>
          [
            `${g.namespace}/${g.name}`,
            g.revision,
            g.direction,
            g.exposure,
            g.workloadKind,
          ].join(' '),
        ),
    ).toEqual([
      `${GATEWAYS}/ingress-${OLD} ${OLD} ingress ClusterIP Deployment`,
      `${GATEWAYS}/ingress-${NEW} ${NEW} ingress LoadBalancer Deployment`,
      `${GATEWAYS}/ingress-nodeport ${OLD} ingress NodePort Deployment`,
      `${GATEWAYS}/istio-egressgateway ${OLD} egress ClusterIP Deployment`,
      `${EDGE}/edge-gateway ${OLD} ingress NodePort DaemonSet`,
    ]);
    expect(
      body.gatewayServices.find((s: any) => s.namespace === GATEWAYS),
    ).toMatchObject({
      name: 'gw-kinds-lb',
      liveRevision: NEW,
      standby: [{ namespace: GATEWAYS, name: `ingress-${OLD}` }],
    });
  });

  it('names each gateway that keeps its revision from being removed, with its kind', async () => {
    const old = (await inventory()).controlPlanes.find(
      (cp: any) => cp.revision === OLD,
    );
    expect(old.safeToRemove).toBe(false);
    const gateways = old.notRemovableBecause.find((r: string) =>
      / gateways? runs? it: /.test(r),
    );
    for (const description of [
      `${GATEWAYS}/ingress-${OLD} (ingress, standby for LoadBalancer gw-kinds-lb)`,
      `${GATEWAYS}/ingress-nodeport (ingress, NodePort)`,
      `${GATEWAYS}/istio-egressgateway (egress, ClusterIP)`,
      `${EDGE}/edge-gateway (ingress, DaemonSet, NodePort)`,
    ]) {
      expect(gateways).toContain(description);
    }
  });

  it('cuts over only to the gateway the selector selects once its version changes, never to an egress gateway', async () => {
    const planned = await cutoverPrechecks(OLD);
    expect(planned.status).toBe(200);
    expect(planned.body.plan.patches[0].patch.spec.selector).toEqual({
      istio: 'ingressgateway',
      version: OLD,
    });
    expect(
      planned.body.prechecks.checks.find((c: any) => c.id === 'target-gateway'),
    ).toMatchObject({
      status: 'pass',
      message: `Gateway ingress-${OLD} runs revision ${OLD}`,
    });

    await cluster.helm(['uninstall', `ingress-${OLD}`, '-n', GATEWAYS]);
    const refused = await eventually(
      async () => {
        const res = await cutoverPrechecks(OLD);
        return res.status === 400 ? res.body.error : undefined;
      },
      120_000,
      1000,
    );
    expect(refused.message).toBe(
      `No gateway of revision ${OLD} in namespace ${GATEWAYS} is selected by gw-kinds-lb once only its version changes: ingress-nodeport's pods differ from the selector on istio=nodeportgateway (not ingressgateway); only version or istio.io/rev may change; istio-egressgateway is an egress gateway: it carries traffic out of the mesh and never takes a LoadBalancer Service's traffic`,
    );
  });
});
