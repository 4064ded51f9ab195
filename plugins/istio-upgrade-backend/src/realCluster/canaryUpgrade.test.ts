import {
  canaryKit,
  selectedComponent,
} from '../testing/__testUtils__/canaryUpgradeKit';
import {
  allowedByRbac,
  documentedRbac,
} from '../testing/__testUtils__/documentedRbac';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import {
  BACKEND_USER,
  realCluster,
} from '../testing/__testUtils__/realCluster';
import { ownedComponent } from '../testing/__testUtils__/requestTestKit';
import {
  kubectlFacts,
  readyEndpointsOf,
  revisionFacts,
} from '../testing/__testUtils__/realClusterFacts';

jest.setTimeout(20 * 60_000);

const CAROL = 'user:default/carol';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

const cluster = realCluster();
const OLD = cluster.oldRevision;
const NEW = cluster.newRevision;
const BOOKINFO = [
  'details-v1',
  'productpage-v1',
  'ratings-v1',
  'reviews-v1',
  'reviews-v2',
  'reviews-v3',
];

/**
 * The canary upgrade on real Kubernetes with real Istio (scripts/real-cluster.sh): the product
 * drives it through its REST API with a ServiceAccount token bound to exactly the RBAC its README
 * documents, and every claim it makes is checked with kubectl, istioctl and the API server's audit log.
 */
describe('the canary upgrade on real Kubernetes and real Istio', () => {
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;
  const auditStart = cluster.auditPosition();

  const {
    api,
    expectStatus,
    inventory,
    settle,
    expectSucceeded,
    converged,
    removableAgrees,
    probe,
    rollBack,
    same,
    expectBookinfoOnNewProxies,
  } = canaryKit(cluster, () => backend.server);

  beforeAll(async () => {
    backend = await startInventoryTestBackend(cluster, {
      token: 'admin',
      entities: [
        // Istio's own Bookinfo carries no backstage.io/kubernetes-id: the label selector maps it.
        selectedComponent('productpage', 'app=productpage', CAROL),
        ownedComponent('nginx', 'nginx', CAROL),
      ],
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
            defaults: {
              pauseBetweenWavesSeconds: 4,
              watchWindowSeconds: 5,
              waveSize: 3,
            },
          },
        },
      },
    });
    await eventually(async () => {
      const res = await api(ALICE).get(`/clusters/${cluster.name}/inventory`);
      return res.body?.cluster?.sync?.complete ? res.body : undefined;
    }, 120_000);
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const requests: Record<string, any> = {};
  const before: Record<string, any> = {};

  it('sees what kubectl and istioctl see before the upgrade', async () => {
    const state = await converged();
    expect(state.truth.namespaces.bookinfo).toEqual({
      [`${OLD}@${cluster.oldVersion}`]: 6,
    });
    expect(state.body.tags).toEqual([
      expect.objectContaining({ name: 'default', revision: OLD }),
    ]);
    await removableAgrees();
  });

  it('migrates nginx, then bookinfo in waves; a pod created meanwhile is injected by the revision its namespace names at that moment', async () => {
    before.nginx = await kubectlFacts(cluster);
    const nginx = await api(CAROL).post('/requests', {
      type: 'namespace-migration',
      cluster: cluster.name,
      revision: NEW,
      target: { namespace: 'nginx' },
      entityRef: 'component:default/nginx',
    });
    expectStatus(nginx, 202);
    requests.nginx = nginx.body;
    expectSucceeded(await settle(nginx.body.id));

    // Before the migration, the default tag injects bookinfo's new pods with the old revision.
    const early = await probe('probe-before');
    expect(early.revision).toBe(OLD);

    before.bookinfo = await kubectlFacts(cluster);
    const plan = await api(CAROL).post('/requests', {
      type: 'namespace-migration',
      cluster: cluster.name,
      revision: NEW,
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
      dryRun: true,
    });
    expectStatus(plan, 200);
    expect(plan.body.prechecks.passed).toBe(true);
    expect(plan.body.plan.waves).toHaveLength(2);

    const bookinfo = await api(CAROL).post('/requests', {
      type: 'namespace-migration',
      cluster: cluster.name,
      revision: NEW,
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
    });
    expectStatus(bookinfo, 202);
    requests.bookinfo = bookinfo.body;
    // Carol owns productpage; Bookinfo's other workloads are no entity of hers: the platform approves.
    expect(bookinfo.body).toMatchObject({
      state: 'pending-approval',
      approvalReason: expect.stringMatching(/an approver must approve/),
    });
    expectStatus(
      await api(BOB).post(`/requests/${bookinfo.body.id}/approve`),
      200,
    );

    // Between the relabel and the end of the waves, a new pod gets the revision the label now names.
    await eventually(async () => {
      const ns = JSON.parse(
        await cluster.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
      );
      return ns.metadata.labels['istio.io/rev'] === NEW;
    }, 120_000);
    const during = await probe('probe-during');
    expect(during.labelsBefore['istio.io/rev']).toBe(NEW);
    expect(during.labelsAfter['istio.io/rev']).toBe(NEW);
    expect(during.revision).toBe(NEW);
    const running = await api(ALICE).get(`/requests/${bookinfo.body.id}`);
    expect(running.body.state).toBe('running');

    const migrated = await settle(bookinfo.body.id);
    expectSucceeded(migrated);
    expect(migrated.progress).toEqual(
      expect.objectContaining({ podsInScope: 6, podsMigrated: 6 }),
    );

    // Every pod's sidecar is the new version, as real Istio injected it.
    await expectBookinfoOnNewProxies();
    const state = await converged(s =>
      BOOKINFO.every(
        name =>
          JSON.stringify(s.truth.workloads[`bookinfo/Deployment/${name}`]) ===
          JSON.stringify({ [`${NEW}@${cluster.newVersion}`]: 1 }),
      ),
    );
    expect(state.truth.namespaces.bookinfo).toEqual({
      [`${NEW}@${cluster.newVersion}`]: 6,
    });
    await removableAgrees();
  });

  it('cuts the ingress gateway over, approved by another user, without a moment of zero ready endpoints', async () => {
    before.cutover = await kubectlFacts(cluster);
    const slices = new Map<string, any>();
    const timeline: Array<{ at: number; ready: number; type: string }> = [];
    const watch = await cluster.watch(
      '/apis/discovery.k8s.io/v1/namespaces/istio-gateways/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Distio-ingressgateway',
      event => {
        const name = event.object.metadata.name;
        if (event.type === 'DELETED') slices.delete(name);
        else slices.set(name, event.object);
        timeline.push({
          at: Date.now(),
          type: event.type,
          ready: readyEndpointsOf([...slices.values()]),
        });
      },
    );
    try {
      const cutover = await api(ALICE).post('/requests', {
        type: 'gateway-cutover',
        cluster: cluster.name,
        revision: NEW,
        target: {
          namespace: 'istio-gateways',
          service: 'istio-ingressgateway',
        },
      });
      expectStatus(cutover, 202);
      expect(cutover.body.state).toBe('pending-approval');
      requests.cutover = cutover.body;
      const self = await api(ALICE).post(
        `/requests/${cutover.body.id}/approve`,
      );
      expectStatus(self, 403);
      const approved = await api(BOB).post(
        `/requests/${cutover.body.id}/approve`,
        { comment: 'green is warm' },
      );
      expectStatus(approved, 200);
      expectSucceeded(await settle(cutover.body.id));

      const svc = JSON.parse(
        await cluster.kubectl([
          'get',
          'svc',
          'istio-ingressgateway',
          '-n',
          'istio-gateways',
          '-o',
          'json',
        ]),
      );
      expect(svc.spec.selector.version).toBe(NEW);
      // The endpoints now are the new gateway's pods, and at no moment were there none.
      const newPods = JSON.parse(
        await cluster.kubectl([
          'get',
          'pods',
          '-n',
          'istio-gateways',
          '-l',
          `version=${NEW}`,
          '-o',
          'json',
        ]),
      ).items.map((p: any) => p.status.podIP);
      await eventually(() => {
        const ips = [...slices.values()].flatMap(s =>
          (s.endpoints ?? [])
            .filter((e: any) => e.conditions?.ready)
            .flatMap((e: any) => e.addresses),
        );
        return JSON.stringify(ips.sort()) === JSON.stringify(newPods.sort());
      }, 30_000);
    } finally {
      watch.stop();
    }
    expect(timeline.length).toBeGreaterThan(1);
    expect(timeline.filter(t => t.ready === 0)).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(
      `EndpointSlice changes seen during the cutover: ${
        timeline.length
      }; ready endpoints over time: ${timeline.map(t => t.ready).join(' → ')}`,
    );
    const body = await inventory();
    expect(
      body.gatewayServices.find((s: any) => s.name === 'istio-ingressgateway'),
    ).toMatchObject({ liveRevision: NEW });
    await removableAgrees();
  });

  it('moves the default tag with its validating webhook; istioctl tag list and x precheck agree', async () => {
    before.tag = await kubectlFacts(cluster);
    const tag = await api(ALICE).post('/requests', {
      type: 'revision-tag-move',
      cluster: cluster.name,
      revision: NEW,
      target: { tag: 'default' },
    });
    expectStatus(tag, 202);
    requests.tag = tag.body;
    await api(BOB).post(`/requests/${tag.body.id}/approve`);
    expectSucceeded(await settle(tag.body.id));

    const tags = JSON.parse(
      await cluster.istioctl(['tag', 'list', '-o', 'json']),
    );
    expect(tags.filter((t: any) => t.tag === 'default')).toEqual([
      expect.objectContaining({ tag: 'default', revision: NEW }),
    ]);
    const facts = await kubectlFacts(cluster);
    expect(facts.defaultValidator).toMatchObject({ revision: NEW });
    await converged();

    const precheck = await cluster.istioctl(['x', 'precheck'], {
      timeoutMs: 120_000,
      withStderr: true,
    });
    expect(precheck).toMatch(/No issues found/);
    await removableAgrees();
  });

  it('reports the old revision safe to remove once kubectl finds nothing that uses it, and not before', async () => {
    // The old, standby gateway is the last user of the old revision.
    let body = await inventory();
    let old = body.controlPlanes.find((c: any) => c.revision === OLD);
    expect(old.safeToRemove).toBe(false);
    expect(old.notRemovableBecause.join(' ')).toMatch(
      new RegExp(`istio-ingressgateway-${OLD}`),
    );

    await cluster.helm([
      'uninstall',
      `istio-ingressgateway-${OLD}`,
      '-n',
      'istio-gateways',
      '--wait',
    ]);
    await eventually(async () => {
      const facts = await kubectlFacts(cluster);
      return revisionFacts(facts, OLD).length === 0;
    }, 120_000);
    body = await eventually(async () => {
      const b = await inventory();
      const cp = b.controlPlanes.find((c: any) => c.revision === OLD);
      return cp.safeToRemove ? b : undefined;
    }, 60_000);
    old = body.controlPlanes.find((c: any) => c.revision === OLD);
    expect(old.notRemovableBecause).toEqual([]);
    await removableAgrees();

    // Put the blue gateway back, as it was, for the rollbacks.
    await cluster.installGateway(OLD);
    await cluster.kubectl([
      'rollout',
      'status',
      '-n',
      'istio-gateways',
      `deployment/istio-ingressgateway-${OLD}`,
      '--timeout=120s',
    ]);
  });

  it('rolls each request back to the state kubectl saw before it', async () => {
    expect(await rollBack(requests.tag)).toMatchObject({
      rollbackOf: requests.tag.id,
    });
    await same(before.tag, f => ({
      tags: f.istioctlTags,
      validator: f.defaultValidator,
    }));

    await rollBack(requests.cutover);
    await same(before.cutover, f => f.loadBalancerSelector);

    await rollBack(requests.bookinfo, undefined, CAROL);
    await same(before.bookinfo, f => ({
      labels: f.namespaces.find((n: any) => n.name === 'bookinfo'),
      pods: f.podRevisions.bookinfo,
    }));

    await rollBack(requests.nginx, undefined, CAROL);
    await same(before.nginx, f => ({
      labels: f.namespaces.find((n: any) => n.name === 'nginx'),
      pods: f.podRevisions.nginx,
    }));
    await converged();
    await removableAgrees();
  });

  it('stayed inside the RBAC its README documents: no refused request, no write outside it', async () => {
    const rules = documentedRbac();
    const events = cluster
      .auditEvents(auditStart)
      .filter(e => e.user.username === BACKEND_USER)
      .filter(e => e.stage === 'ResponseComplete');
    expect(events.length).toBeGreaterThan(20);
    const refused = events.filter(e => (e.responseStatus?.code ?? 200) === 403);
    expect(refused.map(e => `${e.verb} ${e.requestURI}`)).toEqual([]);
    const outside = events.filter(
      e => e.objectRef?.resource && !allowedByRbac(e, rules),
    );
    expect(outside.map(e => `${e.verb} ${e.requestURI}`)).toEqual([]);
    const writes = events.filter(e =>
      ['create', 'update', 'patch', 'delete', 'deletecollection'].includes(
        e.verb,
      ),
    );
    expect(
      new Set(writes.map(e => `${e.verb} ${e.objectRef?.resource}`)),
    ).toEqual(
      new Set([
        'patch namespaces',
        'patch deployments',
        'patch services',
        'update mutatingwebhookconfigurations',
        'update validatingwebhookconfigurations',
      ]),
    );
    // And the token really is that narrow: what the backend never needs, the API server refuses. (The
    // README's control-plane role lets it create and delete a revision's objects - Deployments,
    // ConfigMaps, webhooks, RBAC - for control-plane removals and their rollbacks; never update them,
    // never touch pods or Secrets.)
    const refusedToBackend = [
      ['create', 'pods'],
      ['delete', 'pods'],
      ['get', 'secrets'],
      ['create', 'secrets'],
      ['delete', 'namespaces'],
      ['update', 'deployments'],
      ['update', 'configmaps'],
      ['patch', 'clusterroles'],
      ['update', 'clusterrolebindings'],
      ['patch', 'istiorevisions.sailoperator.io'],
    ];
    for (const [verb, resource] of refusedToBackend) {
      expect({
        verb,
        resource,
        allowed: await cluster.canI(BACKEND_USER, verb, resource),
      }).toEqual({ verb, resource, allowed: false });
    }
    expect(await cluster.canI(BACKEND_USER, 'patch', 'namespaces')).toBe(true);
  });
});
