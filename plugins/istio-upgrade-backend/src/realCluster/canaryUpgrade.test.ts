import { mockCredentials } from '@backstage/backend-test-utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import {
  inventoryMatchingKubectl,
  MatchingInventory,
} from '../testing/__testUtils__/kubectlTruth';
import {
  AuditEvent,
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

/** A Component mapped to its workloads by label selector, as the Kubernetes plugin maps them. */
function selectedComponent(name: string, selector: string, owner: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-label-selector': selector },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/** The RBAC rules the backend plugin's README documents, as `[apiGroup, resource, verb]` grants. */
function documentedRbac(): Array<{
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}> {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const block =
    /<!-- rbac:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- rbac:end -->/.exec(
      readme,
    );
  if (!block) throw new Error('the README has no rbac block');
  return parseAllDocuments(block[1])
    .map(doc => doc.toJS())
    .filter(doc => doc?.kind === 'ClusterRole')
    .flatMap(role => role.rules);
}

function allowedByRbac(
  event: AuditEvent,
  rules: ReturnType<typeof documentedRbac>,
) {
  const ref = event.objectRef;
  if (!ref?.resource) return false;
  const resource = ref.subresource
    ? `${ref.resource}/${ref.subresource}`
    : ref.resource;
  return rules.some(
    rule =>
      rule.apiGroups.includes(ref.apiGroup ?? '') &&
      rule.resources.includes(resource) &&
      rule.verbs.includes(event.verb),
  );
}

/**
 * The article's canary upgrade on real Kubernetes with real Istio (scripts/real-cluster.sh): the product
 * drives it through its REST API with a ServiceAccount token bound to exactly the RBAC its README
 * documents, and every claim it makes is checked with kubectl, istioctl and the API server's audit log.
 */
describe('the canary upgrade on real Kubernetes and real Istio', () => {
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;
  const auditStart = cluster.auditPosition();

  const api = (user: string) => {
    const auth = mockCredentials.user.header(user);
    return {
      get: (path: string) =>
        request(backend.server)
          .get(`/api/istio-upgrade${path}`)
          .set('Authorization', auth),
      post: (path: string, body: object = {}) =>
        request(backend.server)
          .post(`/api/istio-upgrade${path}`)
          .set('Authorization', auth)
          .send(body),
    };
  };

  /** The status, with the error message when it is not the one expected (to say why in a failure). */
  const expectStatus = (res: { status: number; body: any }, status: number) =>
    expect({
      status: res.status,
      error: res.status === status ? undefined : res.body?.error?.message,
    }).toEqual({ status, error: undefined });

  const inventory = async () => {
    const res = await api(ALICE).get(`/clusters/${cluster.name}/inventory`);
    expectStatus(res, 200);
    return res.body;
  };

  const settle = (id: string) =>
    eventually(
      async () => {
        const res = await api(ALICE).get(`/requests/${id}`);
        return ['succeeded', 'failed', 'rolled-back', 'cancelled'].includes(
          res.body.state,
        )
          ? res.body
          : undefined;
      },
      300_000,
      500,
    );

  const expectSucceeded = (done: any) =>
    expect({
      state: done.state,
      log: done.state === 'succeeded' ? [] : done.events,
    }).toEqual({ state: 'succeeded', log: [] });

  /** Polls until the inventory equals kubectl (pods, namespaces, webhooks, Deployments) and istioctl (tags). */
  const converged = async (accept?: (state: MatchingInventory) => boolean) => {
    const state = await inventoryMatchingKubectl(
      api(ALICE).get,
      cluster,
      cluster.name,
      { accept, timeoutMs: 120_000 },
    );
    // Past the pod tallies: the whole of what the inventory says, against kubectl and istioctl.
    return eventually(async () => {
      const body = await inventory();
      const facts = await kubectlFacts(cluster);
      expect({
        namespaces: body.namespaces
          .map((n: any) => ({
            name: n.name,
            revisionLabel: n.revisionLabel,
            legacy: n.injectionMode === 'legacy',
          }))
          .sort((a: any, b: any) => a.name.localeCompare(b.name)),
        workloads: body.workloads
          .map((w: any) => ({
            id: `${w.namespace}/${w.kind}/${w.name}`,
            replicas: w.replicas,
            readyReplicas: w.readyReplicas,
          }))
          .sort((a: any, b: any) => a.id.localeCompare(b.id)),
        controlPlanes: body.controlPlanes
          .map((cp: any) => ({
            revision: cp.revision,
            version: cp.version,
            hasInjector: cp.hasInjector,
          }))
          .sort((a: any, b: any) => a.revision.localeCompare(b.revision)),
        tags: body.tags
          .map((t: any) => ({ tag: t.name, revision: t.revision }))
          .sort((a: any, b: any) => a.tag.localeCompare(b.tag)),
      }).toEqual({
        namespaces: facts.namespaces,
        workloads: facts.workloads,
        controlPlanes: facts.controlPlanes,
        tags: facts.istioctlTags,
      });
      return { ...state, body, facts };
    }, 60_000);
  };

  /** The inventory says a revision is safe to remove exactly when kubectl finds nothing that uses it. */
  const removableAgrees = async () => {
    const body = await inventory();
    const facts = await kubectlFacts(cluster);
    for (const revision of [OLD, NEW]) {
      const cp = body.controlPlanes.find((c: any) => c.revision === revision);
      const used = revisionFacts(facts, revision);
      expect({
        revision,
        safeToRemove: cp.safeToRemove,
        because: cp.notRemovableBecause,
      }).toEqual({
        revision,
        safeToRemove: used.length === 0,
        because: used.length === 0 ? [] : expect.any(Array),
      });
    }
  };

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
    const probe = async (name: string) => {
      const labelsBefore = JSON.parse(
        await cluster.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
      ).metadata.labels;
      await cluster.kubectl([
        'run',
        name,
        '-n',
        'bookinfo',
        '--image=docker.io/library/busybox:1.36',
        '--restart=Never',
        '--',
        'sleep',
        '3600',
      ]);
      const pod = JSON.parse(
        await cluster.kubectl([
          'get',
          'pod',
          name,
          '-n',
          'bookinfo',
          '-o',
          'json',
        ]),
      );
      const labelsAfter = JSON.parse(
        await cluster.kubectl(['get', 'ns', 'bookinfo', '-o', 'json']),
      ).metadata.labels;
      await cluster.kubectl([
        'delete',
        'pod',
        name,
        '-n',
        'bookinfo',
        '--wait=false',
      ]);
      const status = pod.metadata.annotations?.['sidecar.istio.io/status'];
      return {
        revision: status ? JSON.parse(status).revision : undefined,
        labelsBefore,
        labelsAfter,
      };
    };
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
    const pods = JSON.parse(
      await cluster.kubectl(['get', 'pods', '-n', 'bookinfo', '-o', 'json']),
    ).items.filter((p: any) => !p.metadata.deletionTimestamp);
    expect(pods.map((p: any) => p.metadata.labels.app).sort()).toEqual([
      'details',
      'productpage',
      'ratings',
      'reviews',
      'reviews',
      'reviews',
    ]);
    for (const pod of pods) {
      expect(
        JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']),
      ).toMatchObject({ revision: NEW });
      const proxy = [
        ...(pod.spec.initContainers ?? []),
        ...pod.spec.containers,
      ].find((c: any) => c.name === 'istio-proxy');
      expect(proxy.image).toBe(`docker.io/istio/proxyv2:${cluster.newVersion}`);
    }
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
    const rollBack = async (
      original: any,
      approver?: string,
      by = ALICE,
    ): Promise<void> => {
      const rollback = await api(by).post(`/requests/${original.id}/rollback`);
      expectStatus(rollback, 202);
      if (rollback.body.state === 'pending-approval') {
        const ok = await api(approver ?? BOB).post(
          `/requests/${rollback.body.id}/approve`,
        );
        expectStatus(ok, 200);
      }
      expectSucceeded(await settle(rollback.body.id));
    };
    const same = async (snapshot: any, pick: (facts: any) => unknown) => {
      await eventually(async () => {
        const now = await kubectlFacts(cluster);
        expect(pick(now)).toEqual(pick(snapshot));
        return true;
      }, 120_000);
    };

    await rollBack(requests.tag);
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
    // And the token really is that narrow: what the backend never needs, the API server refuses.
    const refusedToBackend = [
      ['create', 'pods'],
      ['delete', 'deployments'],
      ['get', 'secrets'],
      ['get', 'configmaps'],
      ['create', 'clusterrolebindings'],
      ['delete', 'mutatingwebhookconfigurations'],
      ['create', 'mutatingwebhookconfigurations'],
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
