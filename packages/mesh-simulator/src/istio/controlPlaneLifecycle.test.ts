import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { resourceTypes } from '../api/resourceTypes';
import { Scenario } from '../scenarios/scenarioFormat';
import { writeSailTestScenario } from '../sail/sailTestScenario';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

/**
 * `by-istioctl`: revisions 1-28-3 (unused) and 1-29-1 (used by `shop`), installed with istioctl;
 * `by-helm`: the same with Helm, 1-29-1 with two istiod replicas; `revisionless`: a revisionless
 * 1.29.1 installed with Helm.
 */
function writeScenario(): string {
  const cluster = (name: string, installedWith: 'istioctl' | 'helm') => ({
    name,
    nodes: 1,
    istio: {
      installedWith,
      revisions: [
        { name: '1-28-3', version: '1.28.3' },
        { name: '1-29-1', version: '1.29.1', replicas: 2 },
      ],
    },
    namespaces: [
      {
        name: 'shop',
        labels: { 'istio.io/rev': '1-29-1' },
        workloads: [{ name: 'web', replicas: 1, service: true }],
      },
      { name: 'legacy', labels: { 'istio.io/rev': '1-28-3' } },
    ],
  });
  const scenario: Scenario = {
    clusters: [
      cluster('by-istioctl', 'istioctl'),
      cluster('by-helm', 'helm'),
      {
        name: 'revisionless',
        nodes: 1,
        istio: {
          installedWith: 'helm',
          revisions: [{ name: 'default', version: '1.29.1' }],
        },
      },
    ],
  };
  const file = join(
    mkdtempSync(join(tmpdir(), 'control-planes-')),
    'control-planes.yaml',
  );
  writeFileSync(file, YAML.stringify(scenario));
  return file;
}

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const autoscaling = '/apis/autoscaling/v2';

/** The URL of a served type's objects in a cluster (all namespaces). */
function listPath(cluster: string, rt: (typeof resourceTypes)[number]) {
  const prefix = rt.group ? `/apis/${rt.group}/${rt.version}` : '/api/v1';
  return `/clusters/${cluster}${prefix}/${rt.resource}`;
}

describe('control plane objects, their removal and their installation', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({
      scenarios: [writeScenario(), writeSailTestScenario()],
      speed: 50,
    });
  });

  afterAll(async () => {
    await t.stop();
  });

  const get = async (path: string) => (await t.request('GET', path)).body;

  /** Every object of the cluster labelled `selector`, as `Kind namespace/name`. */
  const labelled = async (cluster: string, selector: string) => {
    const found: string[] = [];
    for (const rt of resourceTypes) {
      const list = await get(
        `${listPath(cluster, rt)}?labelSelector=${encodeURIComponent(
          selector,
        )}`,
      );
      for (const o of list.items ?? []) {
        found.push(
          `${rt.kind} ${
            o.metadata.namespace ? `${o.metadata.namespace}/` : ''
          }${o.metadata.name}`,
        );
      }
    }
    return found.sort();
  };

  /** Creates a pod in `namespace` and returns its (init and app) containers' names as stored. */
  const podContainers = async (cluster: string, namespace: string) => {
    const created = await t.request(
      'POST',
      `/clusters/${cluster}/api/v1/namespaces/${namespace}/pods`,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { generateName: 'probe-' },
        spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
      },
    );
    expect(created.status).toBe(201);
    // From 1.27 on this Kubernetes, istio-proxy is a native sidecar (an init container).
    return [
      ...(created.body.spec.initContainers ?? []),
      ...created.body.spec.containers,
    ].map((c: any) => c.name);
  };

  it('serves RBAC and HorizontalPodAutoscaler kinds in discovery, as a real API server lists them', async () => {
    const groups = (await get('/clusters/by-helm/apis')).groups as any[];
    expect(groups.map(g => g.name)).toEqual(
      expect.arrayContaining(['autoscaling', 'rbac.authorization.k8s.io']),
    );
    const rbacResources = (await get(`/clusters/by-helm${rbac}`))
      .resources as any[];
    expect(
      rbacResources.map(r => [r.name, r.kind, r.namespaced, r.verbs.length]),
    ).toEqual([
      ['clusterroles', 'ClusterRole', false, 8],
      ['clusterrolebindings', 'ClusterRoleBinding', false, 8],
      ['roles', 'Role', true, 8],
      ['rolebindings', 'RoleBinding', true, 8],
    ]);
    const hpa = (await get(`/clusters/by-helm${autoscaling}`))
      .resources as any[];
    expect(hpa[0]).toMatchObject({
      name: 'horizontalpodautoscalers',
      singularName: 'horizontalpodautoscaler',
      kind: 'HorizontalPodAutoscaler',
      namespaced: true,
      shortNames: ['hpa'],
      categories: ['all'],
    });
    expect(hpa[1]).toMatchObject({
      name: 'horizontalpodautoscalers/status',
    });
    const resources = await t.kubectl([
      '--context',
      'by-helm',
      'api-resources',
      '--api-group=rbac.authorization.k8s.io',
      '-o',
      'name',
    ]);
    expect(resources.code).toBe(0);
    expect(resources.stdout.trim().split('\n').sort()).toEqual([
      'clusterrolebindings.rbac.authorization.k8s.io',
      'clusterroles.rbac.authorization.k8s.io',
      'rolebindings.rbac.authorization.k8s.io',
      'roles.rbac.authorization.k8s.io',
    ]);
  });

  it('renders each Helm revision’s ServiceAccount, RBAC, HPA and PDB as the istio-discovery chart does', async () => {
    const release = 'istiod-1-29-1';
    const sa = await get(
      '/clusters/by-helm/api/v1/namespaces/istio-system/serviceaccounts/istiod-1-29-1',
    );
    expect(sa.metadata.labels).toEqual({
      app: 'istiod',
      release,
      'app.kubernetes.io/name': 'istiod',
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/instance': release,
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': '1.29.1',
      'helm.sh/chart': 'istiod-1.29.1',
    });
    expect(sa.metadata.annotations).toEqual({
      'meta.helm.sh/release-name': release,
      'meta.helm.sh/release-namespace': 'istio-system',
    });
    // The chart labels only the HPA and the PDB with the revision; the rest by release.
    // (Endpoints and EndpointSlices copy the Service's labels, as on a real cluster.)
    const byRelease = (await labelled('by-helm', `release=${release}`)).filter(
      o => !o.startsWith('Endpoint'),
    );
    expect(byRelease).toEqual(
      [
        'ClusterRole istio-reader-clusterrole-1-29-1-istio-system',
        'ClusterRole istiod-clusterrole-1-29-1-istio-system',
        'ClusterRole istiod-gateway-controller-1-29-1-istio-system',
        'ClusterRoleBinding istio-reader-clusterrole-1-29-1-istio-system',
        'ClusterRoleBinding istiod-clusterrole-1-29-1-istio-system',
        'ClusterRoleBinding istiod-gateway-controller-1-29-1-istio-system',
        'ConfigMap istio-system/istio-1-29-1',
        'ConfigMap istio-system/istio-sidecar-injector-1-29-1',
        'Deployment istio-system/istiod-1-29-1',
        'HorizontalPodAutoscaler istio-system/istiod-1-29-1',
        'MutatingWebhookConfiguration istio-sidecar-injector-1-29-1',
        'PodDisruptionBudget istio-system/istiod-1-29-1',
        'Role istio-system/istiod-1-29-1',
        'RoleBinding istio-system/istiod-1-29-1',
        'Service istio-system/istiod-1-29-1',
        'ServiceAccount istio-system/istiod-1-29-1',
        'ValidatingWebhookConfiguration istio-validator-1-29-1-istio-system',
      ].sort(),
    );
    const hpa = await get(
      `/clusters/by-helm${autoscaling}/namespaces/istio-system/horizontalpodautoscalers/istiod-1-29-1`,
    );
    expect(hpa.metadata.labels['istio.io/rev']).toBe('1-29-1');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 5,
      scaleTargetRef: { kind: 'Deployment', name: 'istiod-1-29-1' },
    });
    // From 1.28 the chart renders the PDB only when the autoscaler's minimum is above 1.
    const pdb = await t.request(
      'GET',
      '/clusters/by-helm/apis/policy/v1/namespaces/istio-system/poddisruptionbudgets/istiod-1-28-3',
    );
    expect(pdb.status).toBe(404);
    const binding = await get(
      `/clusters/by-helm${rbac}/clusterrolebindings/istiod-clusterrole-1-29-1-istio-system`,
    );
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'istiod-clusterrole-1-29-1-istio-system',
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: 'istiod-1-29-1',
        namespace: 'istio-system',
      },
    ]);
    // The revisionless control plane's names have no revision suffix.
    const roles = await get(
      `/clusters/revisionless${rbac}/clusterroles?labelSelector=release%3Distiod`,
    );
    expect(roles.items.map((r: any) => r.metadata.name).sort()).toEqual([
      'istio-reader-clusterrole-istio-system',
      'istiod-clusterrole-istio-system',
      'istiod-gateway-controller-istio-system',
    ]);
  });

  it('labels every object istioctl applied with the revision, so kubectl finds them by it', async () => {
    const crs = await t.kubectl([
      '--context',
      'by-istioctl',
      'get',
      'clusterroles,clusterrolebindings',
      '-l',
      'istio.io/rev=1-28-3',
      '-o',
      'name',
    ]);
    expect(crs.code).toBe(0);
    expect(crs.stdout.trim().split('\n').sort()).toEqual([
      'clusterrole.rbac.authorization.k8s.io/istio-reader-clusterrole-1-28-3-istio-system',
      'clusterrole.rbac.authorization.k8s.io/istiod-clusterrole-1-28-3-istio-system',
      'clusterrole.rbac.authorization.k8s.io/istiod-gateway-controller-1-28-3-istio-system',
      'clusterrolebinding.rbac.authorization.k8s.io/istio-reader-clusterrole-1-28-3-istio-system',
      'clusterrolebinding.rbac.authorization.k8s.io/istiod-clusterrole-1-28-3-istio-system',
      'clusterrolebinding.rbac.authorization.k8s.io/istiod-gateway-controller-1-28-3-istio-system',
    ]);
    const hpa = await t.kubectl([
      '--context',
      'by-istioctl',
      'get',
      'hpa',
      '-n',
      'istio-system',
    ]);
    expect(hpa.code).toBe(0);
    expect(hpa.stdout).toMatch(
      /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE/,
    );
    expect(hpa.stdout).toMatch(
      /istiod-1-28-3\s+Deployment\/istiod-1-28-3\s+cpu: <unknown>\/80%\s+1\s+5\s+0\s+/,
    );
    const bindings = await t.kubectl([
      '--context',
      'by-istioctl',
      'get',
      'rolebindings',
      '-n',
      'istio-system',
      '-o',
      'wide',
    ]);
    expect(bindings.stdout).toMatch(
      /istiod-1-29-1\s+Role\/istiod-1-29-1\s+\S+\s+istio-system\/istiod-1-29-1/,
    );
    const cr = await t.kubectl([
      '--context',
      'by-istioctl',
      'get',
      'clusterrole',
      'istiod-clusterrole-1-29-1-istio-system',
    ]);
    expect(cr.stdout).toMatch(
      /^NAME\s+CREATED AT\nistiod-clusterrole-1-29-1-istio-system\s+\d{4}-\d\d-\d\dT/,
    );
  });

  it('creates, watches, validates and deletes RBAC objects and autoscalers through kubectl and HTTP', async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), 'rbac-')), 'rbac.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: Role',
        'metadata: {name: reader, namespace: shop}',
        'rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]',
        '---',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: RoleBinding',
        'metadata: {name: reader, namespace: shop}',
        'roleRef: {kind: Role, name: reader}',
        'subjects: [{kind: User, name: jane}]',
        '---',
        'apiVersion: autoscaling/v2',
        'kind: HorizontalPodAutoscaler',
        'metadata: {name: web, namespace: shop}',
        'spec:',
        '  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}',
        '  maxReplicas: 3',
      ].join('\n'),
    );
    const applied = await t.kubectl([
      '--context',
      'by-helm',
      'apply',
      '-f',
      manifest,
    ]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const binding = await get(
      `/clusters/by-helm${rbac}/namespaces/shop/rolebindings/reader`,
    );
    expect(binding.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
    expect(binding.subjects[0].apiGroup).toBe('rbac.authorization.k8s.io');
    const hpa = await get(
      `/clusters/by-helm${autoscaling}/namespaces/shop/horizontalpodautoscalers/web`,
    );
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics[0].resource).toEqual({
      name: 'cpu',
      target: { type: 'Utilization', averageUtilization: 80 },
    });
    // A binding's roleRef is immutable; an autoscaler needs maxReplicas >= minReplicas.
    const moved = await t.request(
      'PATCH',
      `/clusters/by-helm${rbac}/namespaces/shop/rolebindings/reader`,
      { roleRef: { kind: 'ClusterRole', name: 'view' } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(moved.status).toBe(422);
    expect(moved.body.message).toContain('cannot change roleRef');
    const shrunk = await t.request(
      'PATCH',
      `/clusters/by-helm${autoscaling}/namespaces/shop/horizontalpodautoscalers/web`,
      { spec: { minReplicas: 4 } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(shrunk.status).toBe(422);
    // A watch sees the deletion.
    const version = (
      await get(`/clusters/by-helm${rbac}/namespaces/shop/roles`)
    ).metadata.resourceVersion;
    const watch = t.request(
      'GET',
      `/clusters/by-helm${rbac}/namespaces/shop/roles?watch=true&resourceVersion=${version}&timeoutSeconds=2`,
    );
    const deleted = await t.kubectl([
      '--context',
      'by-helm',
      'delete',
      '-f',
      manifest,
    ]);
    expect(deleted.code).toBe(0);
    const events = (await watch).text
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(events.map(e => [e.type, e.object.metadata.name])).toEqual([
      ['DELETED', 'reader'],
    ]);
  });

  it('gives Sail-made revisions the same objects, owned by their IstioRevision', async () => {
    const sa = await get(
      '/clusters/sail/api/v1/namespaces/istio-system/serviceaccounts/istiod-default-v1-30-4',
    );
    expect(sa.metadata.labels).toMatchObject({
      app: 'istiod',
      release: 'default-v1-30-4-istiod',
      'managed-by': 'sail-operator',
    });
    expect(sa.metadata.ownerReferences[0]).toMatchObject({
      kind: 'IstioRevision',
      name: 'default-v1-30-4',
    });
    const hpa = await get(
      `/clusters/sail${autoscaling}/namespaces/istio-system/horizontalpodautoscalers/istiod-default-v1-30-4`,
    );
    expect(hpa.metadata.labels['istio.io/rev']).toBe('default-v1-30-4');
    const roles = await get(
      `/clusters/sail-inplace${rbac}/clusterroles?labelSelector=managed-by%3Dsail-operator`,
    );
    expect(roles.items.map((r: any) => r.metadata.name).sort()).toEqual([
      'istio-reader-clusterrole-istio-system',
      'istiod-clusterrole-istio-system',
      'istiod-gateway-controller-istio-system',
    ]);
  });

  it('removes an unused revision by deleting everything labelled with it: its pods go, the other revision still injects', async () => {
    const cluster = 'by-istioctl';
    const before = await labelled(cluster, 'istio.io/rev=1-28-3');
    expect(before).toEqual(
      expect.arrayContaining([
        'ClusterRole istiod-clusterrole-1-28-3-istio-system',
        'Deployment istio-system/istiod-1-28-3',
        'HorizontalPodAutoscaler istio-system/istiod-1-28-3',
        'MutatingWebhookConfiguration istio-sidecar-injector-1-28-3',
        'Role istio-system/istiod-1-28-3',
        'ServiceAccount istio-system/istiod-1-28-3',
        'ValidatingWebhookConfiguration istio-validator-1-28-3-istio-system',
      ]),
    );
    expect(
      before.some(o => o.startsWith('Pod istio-system/istiod-1-28-3-')),
    ).toBe(true);
    expect(await podContainers(cluster, 'legacy')).toContain('istio-proxy');
    // Delete what `istioctl uninstall --revision 1-28-3` deletes: every object labelled with it,
    // but the pods and ReplicaSets, which the garbage collector takes with their Deployment, the
    // Endpoints and EndpointSlices, which go with their Service, and the user's namespaces.
    const selector = encodeURIComponent('istio.io/rev=1-28-3');
    for (const rt of resourceTypes) {
      if (
        [
          'pods',
          'replicasets',
          'endpoints',
          'endpointslices',
          'namespaces',
        ].includes(rt.resource)
      ) {
        continue;
      }
      const list = await get(
        `${listPath(cluster, rt)}?labelSelector=${selector}`,
      );
      for (const o of list.items ?? []) {
        const prefix = rt.group ? `/apis/${rt.group}/${rt.version}` : '/api/v1';
        const ns = o.metadata.namespace
          ? `/namespaces/${o.metadata.namespace}`
          : '';
        const deleted = await t.request(
          'DELETE',
          `/clusters/${cluster}${prefix}${ns}/${rt.resource}/${o.metadata.name}`,
        );
        expect(deleted.status).toBe(200);
      }
    }
    // Nothing is left with the revision's label but the namespace that still names it.
    await t.eventually(async () => {
      const left = await labelled(cluster, 'istio.io/rev=1-28-3');
      return left.length === 1 && left[0] === 'Namespace legacy';
    });
    // The legacy namespace's new pods are no longer injected; shop's still are, by 1-29-1.
    expect(await podContainers(cluster, 'legacy')).toEqual(['app']);
    expect(await podContainers(cluster, 'shop')).toContain('istio-proxy');
    expect(
      (await labelled(cluster, 'istio.io/rev=1-29-1')).filter(o =>
        o.startsWith('Pod istio-system/istiod-1-29-1-'),
      ),
    ).toHaveLength(2);
  });

  it('on a Helm install, deleting by the revision label leaves the chart’s ServiceAccount and RBAC, which carry only the release', async () => {
    const cluster = 'by-helm';
    const selector = encodeURIComponent('istio.io/rev=1-28-3');
    for (const rt of resourceTypes) {
      const list = await get(
        `${listPath(cluster, rt)}?labelSelector=${selector}`,
      );
      for (const o of list.items ?? []) {
        if (rt.resource === 'pods' || rt.resource === 'namespaces') continue;
        const prefix = rt.group ? `/apis/${rt.group}/${rt.version}` : '/api/v1';
        const ns = o.metadata.namespace
          ? `/namespaces/${o.metadata.namespace}`
          : '';
        await t.request(
          'DELETE',
          `/clusters/${cluster}${prefix}${ns}/${rt.resource}/${o.metadata.name}`,
        );
      }
    }
    // Nothing is left with the revision's label but the namespace that still names it.
    await t.eventually(async () => {
      const left = await labelled(cluster, 'istio.io/rev=1-28-3');
      return left.length === 1 && left[0] === 'Namespace legacy';
    });
    expect(await labelled(cluster, 'release=istiod-1-28-3')).toEqual([
      'ClusterRole istio-reader-clusterrole-1-28-3-istio-system',
      'ClusterRole istiod-clusterrole-1-28-3-istio-system',
      'ClusterRole istiod-gateway-controller-1-28-3-istio-system',
      'ClusterRoleBinding istio-reader-clusterrole-1-28-3-istio-system',
      'ClusterRoleBinding istiod-clusterrole-1-28-3-istio-system',
      'ClusterRoleBinding istiod-gateway-controller-1-28-3-istio-system',
      'Role istio-system/istiod-1-28-3',
      'RoleBinding istio-system/istiod-1-28-3',
      'ServiceAccount istio-system/istiod-1-28-3',
    ]);
  });

  it('installs a revision as a person running the plan’s helm command would, until it is Ready', async () => {
    const installed = await t.request(
      'POST',
      '/sim/v1/clusters/by-helm/control-planes',
      { revision: '1-31-0', version: '1.31.0', installedWith: 'helm' },
    );
    expect(installed.status).toBe(201);
    expect(installed.body).toMatchObject({
      revision: '1-31-0',
      version: '1.31.0',
      installedWith: 'helm',
      release: 'istiod-1-31-0',
    });
    expect(
      (installed.body.objects as any[]).map(o => `${o.kind} ${o.name}`).sort(),
    ).toEqual(
      [
        'ClusterRole istio-reader-clusterrole-1-31-0-istio-system',
        'ClusterRole istiod-clusterrole-1-31-0-istio-system',
        'ClusterRole istiod-gateway-controller-1-31-0-istio-system',
        'ClusterRoleBinding istio-reader-clusterrole-1-31-0-istio-system',
        'ClusterRoleBinding istiod-clusterrole-1-31-0-istio-system',
        'ClusterRoleBinding istiod-gateway-controller-1-31-0-istio-system',
        'ConfigMap istio-1-31-0',
        'ConfigMap istio-sidecar-injector-1-31-0',
        'Deployment istiod-1-31-0',
        'HorizontalPodAutoscaler istiod-1-31-0',
        'MutatingWebhookConfiguration istio-sidecar-injector-1-31-0',
        'Role istiod-1-31-0',
        'RoleBinding istiod-1-31-0',
        'Service istiod-1-31-0',
        'ServiceAccount istiod-1-31-0',
        'ValidatingWebhookConfiguration istio-validator-1-31-0-istio-system',
      ].sort(),
    );
    const deployment = await get(
      '/clusters/by-helm/apis/apps/v1/namespaces/istio-system/deployments/istiod-1-31-0',
    );
    expect(deployment.metadata.annotations['meta.helm.sh/release-name']).toBe(
      'istiod-1-31-0',
    );
    expect(deployment.metadata.labels['helm.sh/chart']).toBe('istiod-1.31.0');
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      'docker.io/istio/pilot:1.31.0',
    );
    // Not Ready at once: istiod's pod starts as any pod does.
    expect(t.sim.cluster('by-helm').controlPlanes.hasReadyPod('1-31-0')).toBe(
      false,
    );
    await t.eventually(() =>
      t.sim.cluster('by-helm').controlPlanes.hasReadyPod('1-31-0'),
    );
    const ready = await get(
      '/clusters/by-helm/apis/apps/v1/namespaces/istio-system/deployments/istiod-1-31-0',
    );
    expect(ready.status.readyReplicas).toBe(1);
    // A namespace moved to the new revision gets its proxies from it.
    const relabel = await t.request(
      'PATCH',
      '/clusters/by-helm/api/v1/namespaces/legacy',
      { metadata: { labels: { 'istio.io/rev': '1-31-0' } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(relabel.status).toBe(200);
    expect(await podContainers('by-helm', 'legacy')).toContain('istio-proxy');
  });

  it('refuses a revision that exists, a version it cannot render, and a Sail-managed cluster', async () => {
    const post = (cluster: string, body: unknown) =>
      t.request('POST', `/sim/v1/clusters/${cluster}/control-planes`, body);
    const again = await post('by-helm', {
      revision: '1-29-1',
      version: '1.29.1',
      installedWith: 'helm',
    });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('revision 1-29-1 exists already');
    expect(
      (await post('by-helm', { revision: '1-40-0', version: '1.40.0' })).status,
    ).toBe(400);
    expect(
      (await post('by-helm', { revision: 'next', version: 'latest' })).status,
    ).toBe(400);
    expect(
      (await post('by-helm', { revision: 'Bad_Name', version: '1.30.1' }))
        .status,
    ).toBe(400);
    expect(
      (await post('sail', { revision: '1-30-1', version: '1.30.1' })).status,
    ).toBe(409);
    expect(
      (await post('nowhere', { revision: '1-30-1', version: '1.30.1' })).status,
    ).toBe(404);
  });

  it('installs in process too, with istioctl’s labels when installed with istioctl', async () => {
    const installed = t.sim.installControlPlane('by-istioctl', {
      revision: '1-30-1',
      version: '1.30.1',
      installedWith: 'istioctl',
    });
    expect(installed.release).toBeUndefined();
    const sa = await get(
      '/clusters/by-istioctl/api/v1/namespaces/istio-system/serviceaccounts/istiod-1-30-1',
    );
    expect(sa.metadata.labels).toMatchObject({
      'istio.io/rev': '1-30-1',
      'operator.istio.io/component': 'Pilot',
    });
    expect(sa.metadata.annotations).toBeUndefined();
    expect(() =>
      t.sim.installControlPlane('by-istioctl', {
        revision: '1-30-1',
        version: '1.30.1',
      }),
    ).toThrow(expect.objectContaining({ code: 409 }));
    await t.eventually(() =>
      t.sim.cluster('by-istioctl').controlPlanes.hasReadyPod('1-30-1'),
    );
  });
});
