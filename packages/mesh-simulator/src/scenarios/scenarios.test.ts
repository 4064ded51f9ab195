import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceTypeNamed } from '../api/resourceTypes';
import { startMeshSimulator } from '../meshSimulator';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(120000);

describe('seed and demo served together', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({ scenarios: ['seed', 'demo'], speed: 20 });
  });

  afterAll(async () => {
    await t.stop();
  });

  const list = async (cluster: string, path: string) =>
    (await t.request('GET', `/clusters/${cluster}${path}`)).body.items;

  it('serves every cluster with its own context and tokens', async () => {
    expect(t.sim.clusters.map(c => c.name)).toEqual([
      'seed',
      'prod-eu',
      'prod-us',
      'staging',
      'prod-ap',
    ]);
    const contexts = (
      await t.kubectl(['config', 'get-contexts', '-o', 'name'])
    ).stdout
      .trim()
      .split('\n');
    expect(contexts.sort()).toEqual([
      'prod-ap',
      'prod-eu',
      'prod-us',
      'seed',
      'staging',
    ]);
    const euToken = t.sim.clusters[1].tokens.admin;
    expect(
      (
        await t.request(
          'GET',
          '/clusters/prod-eu/api/v1/pods',
          undefined,
          {},
          euToken,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await t.request(
          'GET',
          '/clusters/staging/api/v1/pods',
          undefined,
          {},
          euToken,
        )
      ).status,
    ).toBe(401);
    const staging = await t.kubectl(
      ['get', 'deploy', '-n', 'istio-system', '-o', 'name'],
      { context: 'staging' },
    );
    expect(staging.stdout.trim().split('\n').sort()).toEqual([
      'deployment.apps/istio-egressgateway',
      'deployment.apps/istiod-1-28-3',
      'deployment.apps/istiod-1-31-0',
    ]);
  });

  it('keeps the demo small and labelled for the catalog', async () => {
    let total = 0;
    for (const cluster of ['prod-eu', 'prod-us', 'staging']) {
      const pods = await list(cluster, '/api/v1/pods');
      total += pods.length;
      const components = new Set(
        pods
          .map((p: any) => p.metadata.labels['backstage.io/kubernetes-id'])
          .filter(Boolean),
      );
      expect([...components].sort()).toEqual([
        'cart',
        'checkout',
        'payments-api',
        'search-api',
        'storefront',
      ]);
      expect(pods.every((p: any) => p.status.phase === 'Running')).toBe(true);
    }
    // 26 pods per cluster and Istio's egress gateway in each.
    expect(total).toBe(81);
    const namespaces = await list(
      'prod-eu',
      '/api/v1/namespaces?labelSelector=team',
    );
    expect(namespaces.map((n: any) => n.metadata.name).sort()).toEqual([
      'analytics',
      'checkout',
      'logging',
      'payments',
      'search',
      'shop',
    ]);
  });

  it('has drift, an ambient namespace, tags, a StatefulSet and a DaemonSet', async () => {
    const payments = (
      await t.request('GET', '/clusters/prod-eu/api/v1/namespaces/payments')
    ).body;
    expect(payments.metadata.labels['istio.io/rev']).toBe('canary');
    const paymentPods = await list(
      'prod-eu',
      '/api/v1/namespaces/payments/pods',
    );
    expect(
      paymentPods.map((p: any) => p.metadata.annotations['istio.io/rev']),
    ).toEqual(['default-v1-30-1', 'default-v1-30-1', 'default-v1-30-1']);
    const checkout = await list('prod-eu', '/api/v1/namespaces/checkout/pods');
    expect(checkout[0].metadata.annotations['istio.io/rev']).toBe(
      'default-v1-30-4',
    );
    const ambient = await list('prod-eu', '/api/v1/namespaces/analytics/pods');
    expect(
      ambient.every(
        (p: any) =>
          !p.spec.containers.some((c: any) => c.name === 'istio-proxy'),
      ),
    ).toBe(true);
    const tags = await list(
      'staging',
      '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations?labelSelector=istio.io/tag',
    );
    expect(
      tags
        .map(
          (w: any) =>
            `${w.metadata.labels['istio.io/tag']}=${w.metadata.labels['istio.io/rev']}`,
        )
        .sort(),
    ).toEqual(['canary=1-31-0', 'default=1-28-3', 'prod=1-28-3']);
    const sts = (
      await t.request(
        'GET',
        '/clusters/prod-us/apis/apps/v1/namespaces/search/statefulsets/search-index',
      )
    ).body;
    expect(sts.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
    });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    const index = await list(
      'prod-us',
      '/api/v1/namespaces/search/pods?labelSelector=app%3Dsearch-index',
    );
    expect(index.map((p: any) => p.metadata.name).sort()).toEqual([
      'search-index-0',
      'search-index-1',
      'search-index-2',
    ]);
    const ds = (
      await t.request(
        'GET',
        '/clusters/staging/apis/apps/v1/namespaces/logging/daemonsets/log-shipper',
      )
    ).body;
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
    });
    const shippers = await list('staging', '/api/v1/namespaces/logging/pods');
    expect(new Set(shippers.map((p: any) => p.spec.nodeName)).size).toBe(3);
    expect((await list('staging', '/api/v1/nodes')).length).toBe(3);
  });

  it('sends traffic through each cluster flow', async () => {
    const counters = await t.eventually(async () => {
      const c = (await t.request('GET', '/sim/v1/clusters/prod-us/traffic'))
        .body;
      return c.sent > 20 && c;
    });
    expect(counters.failed).toBe(0);
    expect(counters.flows[0].hops).toEqual([
      'istio-gateways/istio-ingressgateway',
      'shop/storefront',
      'shop/cart',
      'checkout/checkout',
    ]);
  });

  it('rolls a StatefulSet from the highest ordinal and a DaemonSet node by node', async () => {
    const restart = {
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' },
          },
        },
      },
    };
    const headers = {
      'Content-Type': 'application/strategic-merge-patch+json',
    };
    expect(
      (
        await t.request(
          'PATCH',
          '/clusters/prod-eu/apis/apps/v1/namespaces/search/statefulsets/search-index',
          restart,
          headers,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await t.request(
          'PATCH',
          '/clusters/prod-eu/apis/apps/v1/namespaces/logging/daemonsets/log-shipper',
          restart,
          headers,
        )
      ).status,
    ).toBe(200);
    for (const target of [
      'statefulset/search-index -n search',
      'daemonset/log-shipper -n logging',
    ]) {
      const status = await t.kubectl(
        ['rollout', 'status', ...target.split(' '), '--timeout=60s'],
        { context: 'prod-eu' },
      );
      expect(status.code).toBe(0);
    }
    const sts = (
      await t.request(
        'GET',
        '/clusters/prod-eu/apis/apps/v1/namespaces/search/statefulsets/search-index',
      )
    ).body;
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    const pods = await list(
      'prod-eu',
      '/api/v1/namespaces/search/pods?labelSelector=app%3Dsearch-index',
    );
    expect(
      new Set(
        pods.map((p: any) => p.metadata.labels['controller-revision-hash']),
      ),
    ).toEqual(new Set([sts.status.updateRevision]));
  });
});

describe('scenario sources', () => {
  it('loads a YAML file and refuses duplicate cluster names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesh-sim-scenario-'));
    const file = join(dir, 'mine.yaml');
    writeFileSync(
      file,
      [
        'clusters:',
        '  - name: mine',
        '    nodes: 1',
        '    tokens: { admin: fixed-admin-token, readOnly: fixed-reader-token }',
        '    namespaces:',
        '      - name: apps',
        '        workloads:',
        '          - { name: web, replicas: 2, service: true }',
        '    objects:',
        '      - apiVersion: v1',
        '        kind: ConfigMap',
        '        metadata: { name: settings, namespace: apps }',
        '        data: { mode: test }',
      ].join('\n'),
    );
    const sim = await startMeshSimulator({
      scenarios: [file],
      port: 0,
      log: () => {},
    });
    try {
      expect(sim.clusters[0].tokens.admin).toBe('fixed-admin-token');
      const store = sim.cluster('mine').store;
      expect(store.list(resourceTypeNamed('pods'), 'apps')).toHaveLength(2);
    } finally {
      await sim.stop();
    }
    await expect(
      startMeshSimulator({
        scenarios: ['seed', 'seed'],
        port: 0,
        log: () => {},
      }),
    ).rejects.toThrow(/unique/);
    await expect(
      startMeshSimulator({
        scenarios: [join(dir, 'absent.yaml')],
        port: 0,
        log: () => {},
      }),
    ).rejects.toThrow(/not found/);
  });

  it('generates fleets of the asked size', async () => {
    const sim = await startMeshSimulator({
      scenarios: ['fleet:2x300'],
      port: 0,
      log: () => {},
    });
    try {
      expect(sim.clusters.map(c => c.name)).toEqual(['fleet-001', 'fleet-002']);
      const pods = sim
        .cluster('fleet-002')
        .store.count(resourceTypeNamed('pods'));
      expect(pods).toBe(300);
    } finally {
      await sim.stop();
    }
  });
});
