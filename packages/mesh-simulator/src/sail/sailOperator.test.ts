import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';
import { writeSailTestScenario } from './sailTestScenario';

jest.setTimeout(180000);

const sail = '/clusters/sail';
const inPlace = '/clusters/sail-inplace';
const sailApi = (cluster: string) => `${cluster}/apis/sailoperator.io/v1`;
const merge = { 'Content-Type': 'application/merge-patch+json' };
const condition = (o: any, type: string) =>
  (o.status?.conditions ?? []).find((c: any) => c.type === type);

describe('the Sail operator in a simulated cluster', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({
      scenarios: [writeSailTestScenario()],
      speed: 20,
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  const get = async (path: string) => (await t.request('GET', path)).body;
  const status = async (path: string) => (await t.request('GET', path)).status;

  it('makes one IstioRevision per version of a RevisionBased Istio, named <istio>-<version>', async () => {
    const revisions = await get(`${sailApi(sail)}/istiorevisions`);
    const istio = await get(`${sailApi(sail)}/istios/default`);
    expect(
      revisions.items.map((r: any) => [r.metadata.name, r.spec.version]),
    ).toEqual([
      ['default-v1-29-6', 'v1.29.6'],
      ['default-v1-30-4', 'v1.30.4'],
    ]);
    const owner = {
      apiVersion: 'sailoperator.io/v1',
      kind: 'Istio',
      name: 'default',
      uid: istio.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    for (const r of revisions.items) {
      expect(r.metadata.ownerReferences).toEqual([owner]);
      expect(r.spec.namespace).toBe('istio-system');
      expect(r.spec.values).toEqual({
        global: { istioNamespace: 'istio-system' },
        revision: r.metadata.name,
      });
    }
    expect(istio.spec.updateStrategy).toEqual({ type: 'RevisionBased' });
    expect(istio.status).toMatchObject({
      activeRevisionName: 'default-v1-30-4',
      revisions: { total: 2, ready: 2, inUse: 2 },
      state: 'Healthy',
      observedGeneration: 2,
    });
    expect(condition(istio, 'Ready')).toMatchObject({
      status: 'True',
      reason: 'Ready',
    });
  });

  it('names an InPlace Istio\'s revision after it: "default" is the revisionless control plane', async () => {
    const revision = await get(`${sailApi(inPlace)}/istiorevisions/default`);
    expect(revision.spec.values.revision).toBe('');
    const istiod = await get(
      `${inPlace}/apis/apps/v1/namespaces/istio-system/deployments/istiod`,
    );
    expect(istiod.metadata.labels).toMatchObject({
      'istio.io/rev': 'default',
      release: 'default-istiod',
      'managed-by': 'sail-operator',
    });
    for (const path of [
      'admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector',
      'admissionregistration.k8s.io/v1/validatingwebhookconfigurations/istio-validator-istio-system',
      'admissionregistration.k8s.io/v1/validatingwebhookconfigurations/istiod-default-validator',
    ]) {
      expect(await status(`${inPlace}/apis/${path}`)).toBe(200);
    }

    // An InPlace update changes the same revision: istiod runs the new version.
    const patched = await t.request(
      'PATCH',
      `${sailApi(inPlace)}/istios/default`,
      { spec: { version: 'v1.31-latest' } },
      merge,
    );
    expect(patched.status).toBe(200);
    await t.eventually(async () => {
      const d = await get(
        `${inPlace}/apis/apps/v1/namespaces/istio-system/deployments/istiod`,
      );
      return d.spec.template.spec.containers[0].image ===
        'docker.io/istio/pilot:1.31.0'
        ? d
        : undefined;
    });
    const revisions = await get(`${sailApi(inPlace)}/istiorevisions`);
    expect(
      revisions.items.map((r: any) => [r.metadata.name, r.spec.version]),
    ).toEqual([['default', 'v1.31.0']]);
  });

  it("installs a revision's istiod chart as Helm would, owned by the IstioRevision", async () => {
    const revision = await get(
      `${sailApi(sail)}/istiorevisions/default-v1-30-4`,
    );
    const owner = [
      {
        apiVersion: 'sailoperator.io/v1',
        kind: 'IstioRevision',
        name: 'default-v1-30-4',
        uid: revision.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    const istiod = await get(
      `${sail}/apis/apps/v1/namespaces/istio-system/deployments/istiod-default-v1-30-4`,
    );
    expect(istiod.metadata.ownerReferences).toEqual(owner);
    expect(istiod.metadata.labels).toMatchObject({
      app: 'istiod',
      'istio.io/rev': 'default-v1-30-4',
      release: 'default-v1-30-4-istiod',
      'app.kubernetes.io/instance': 'default-v1-30-4-istiod',
      'app.kubernetes.io/version': '1.30.4',
      'helm.sh/chart': 'istiod-1.30.4',
      'managed-by': 'sail-operator',
    });
    expect(istiod.metadata.annotations).toMatchObject({
      'meta.helm.sh/release-name': 'default-v1-30-4-istiod',
      'meta.helm.sh/release-namespace': 'istio-system',
    });
    expect(istiod.spec.template.spec.containers[0].image).toBe(
      'docker.io/istio/pilot:1.30.4',
    );
    for (const path of [
      'api/v1/namespaces/istio-system/services/istiod-default-v1-30-4',
      'api/v1/namespaces/istio-system/configmaps/istio-default-v1-30-4',
      'api/v1/namespaces/istio-system/configmaps/istio-sidecar-injector-default-v1-30-4',
      'apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector-default-v1-30-4',
      'apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/istio-validator-default-v1-30-4-istio-system',
    ]) {
      const object = await get(`${sail}/${path}`);
      expect(object.metadata.ownerReferences).toEqual(owner);
      expect(object.metadata.labels['managed-by']).toBe('sail-operator');
    }
    expect(revision.status.state).toBe('Healthy');
    for (const type of ['Reconciled', 'Ready', 'DependenciesHealthy']) {
      expect(condition(revision, type).status).toBe('True');
    }
    // The canary tag uses the Istio's active revision; nothing references the revision itself,
    // but the tag resolving to it keeps it in use.
    expect(condition(revision, 'InUse')).toMatchObject({
      status: 'True',
      reason: 'ReferencedByWorkloads',
    });
  });

  it("renders each tag's webhook for its target: an IstioRevision, or an Istio's active revision", async () => {
    const webhook = (tag: string) =>
      get(
        `${sail}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-${tag}`,
      );
    const prod = await webhook('prod');
    const prodTag = await get(`${sailApi(sail)}/istiorevisiontags/prod`);
    expect(prod.metadata.labels).toMatchObject({
      'istio.io/tag': 'prod',
      'istio.io/rev': 'default-v1-29-6',
      app: 'sidecar-injector',
      release: 'prod-revisiontags',
      'helm.sh/chart': 'revisiontags-0.1.0',
      'managed-by': 'sail-operator',
    });
    expect(prod.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'IstioRevisionTag',
        name: 'prod',
        uid: prodTag.metadata.uid,
      }),
    ]);
    expect(
      prod.webhooks.map((w: any) => [w.name, w.clientConfig.service.name]),
    ).toEqual([
      ['rev.namespace.sidecar-injector.istio.io', 'istiod-default-v1-29-6'],
      ['rev.object.sidecar-injector.istio.io', 'istiod-default-v1-29-6'],
    ]);
    expect(prodTag.status).toMatchObject({
      istioRevision: 'default-v1-29-6',
      istiodNamespace: 'istio-system',
      state: 'Healthy',
    });
    expect(condition(prodTag, 'InUse').status).toBe('True');

    const canary = await webhook('canary');
    expect(canary.webhooks[0].clientConfig.service.name).toBe(
      'istiod-default-v1-30-4',
    );
    const canaryTag = await get(`${sailApi(sail)}/istiorevisiontags/canary`);
    expect(canaryTag.status).toMatchObject({
      istioRevision: 'default-v1-30-4',
      state: 'NotReferencedByAnything',
    });

    // shop's pods were injected by the revision its tag points at.
    const pods = await get(`${sail}/api/v1/namespaces/shop/pods`);
    expect(
      pods.items.map((p: any) => p.metadata.annotations['istio.io/rev']),
    ).toEqual(['default-v1-29-6']);
  });

  it('keeps an inactive revision while it is in use, and removes it once unused for the grace period', async () => {
    const old = `${sailApi(sail)}/istiorevisions/default-v1-29-6`;
    // The tag moves to the Istio (its active revision); shop's pods still run the old revision.
    const moved = await t.request(
      'PATCH',
      `${sailApi(sail)}/istiorevisiontags/prod`,
      { spec: { targetRef: { kind: 'Istio', name: 'default' } } },
      merge,
    );
    expect(moved.status).toBe(200);
    await t.eventually(async () => {
      const tag = await get(`${sailApi(sail)}/istiorevisiontags/prod`);
      return tag.status.istioRevision === 'default-v1-30-4';
    });
    // Well past the grace period (30 s of simulated time, 1.5 s here), the injected pods keep it.
    await new Promise(r => setTimeout(r, 3000));
    const inUse = await get(old);
    expect(condition(inUse, 'InUse')).toMatchObject({
      status: 'True',
      reason: 'ReferencedByWorkloads',
    });

    // A restart moves the pods to the new revision: the old one is unused, then pruned.
    await t.request(
      'PATCH',
      `${sail}/apis/apps/v1/namespaces/shop/deployments/web`,
      {
        spec: {
          template: {
            metadata: {
              annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' },
            },
          },
        },
      },
      merge,
    );
    const unused = await t.eventually(async () => {
      const r = await get(old);
      return condition(r, 'InUse')?.status === 'False' ? r : undefined;
    });
    expect(condition(unused, 'InUse').reason).toBe('NotReferencedByAnything');
    const since = Date.parse(condition(unused, 'InUse').lastTransitionTime);
    await t.eventually(async () => (await status(old)) === 404);
    expect(t.sim.clock.now() - since).toBeGreaterThanOrEqual(30000);
    // Helm's uninstall: the revision's istiod and webhooks are gone with it.
    await t.eventually(
      async () =>
        (await status(
          `${sail}/apis/apps/v1/namespaces/istio-system/deployments/istiod-default-v1-29-6`,
        )) === 404 &&
        (await status(
          `${sail}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector-default-v1-29-6`,
        )) === 404,
    );
    const istio = await get(`${sailApi(sail)}/istios/default`);
    expect(istio.status.revisions).toEqual({ total: 1, ready: 1, inUse: 1 });
  });

  it('refuses to install an end-of-life version', async () => {
    const created = await t.request('POST', `${sailApi(inPlace)}/istios`, {
      apiVersion: 'sailoperator.io/v1',
      kind: 'Istio',
      metadata: { name: 'old' },
      spec: { version: 'v1.28.3', namespace: 'istio-system' },
    });
    expect(created.status).toBe(201);
    const istio = await t.eventually(async () => {
      const i = await get(`${sailApi(inPlace)}/istios/old`);
      return i.status?.state ? i : undefined;
    });
    expect(istio.status.state).toBe('ReconcileError');
    expect(condition(istio, 'Reconciled')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message:
        'validation error: version "v1.28.3" is end-of-life and cannot be installed; use a supported version',
    });
    expect(await status(`${sailApi(inPlace)}/istiorevisions/old`)).toBe(404);
  });
});
