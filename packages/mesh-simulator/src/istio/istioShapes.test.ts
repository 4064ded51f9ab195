import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

const vwcPath =
  '/clusters/shapes/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';

describe('the shapes of real Istio installs', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({
      scenarios: ['seed', 'demo', 'shapes'],
      speed: 20,
    });
  });

  afterAll(async () => {
    await t.stop();
  });

  const get = async (path: string) => (await t.request('GET', path)).body;
  const items = async (path: string) => (await get(path)).items as any[];
  const names = async (path: string) =>
    (await items(path)).map(o => o.metadata.name).sort();

  it('serves a revisionless istiod that injects istio-injection=enabled namespaces', async () => {
    const istiod = await get(
      '/clusters/shapes/apis/apps/v1/namespaces/istio-system/deployments/istiod',
    );
    expect(istiod.metadata.labels).toMatchObject({
      app: 'istiod',
      'istio.io/rev': 'default',
    });
    expect(istiod.spec.selector.matchLabels).toEqual({
      app: 'istiod',
      'istio.io/rev': 'default',
    });
    expect(
      (
        await get(
          '/clusters/shapes/api/v1/namespaces/istio-system/services/istiod',
        )
      ).spec.selector,
    ).toEqual({ app: 'istiod', 'istio.io/rev': 'default' });
    const injector = await get(
      '/clusters/shapes/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector',
    );
    expect(injector.metadata.labels['istio.io/rev']).toBe('default');
    expect(injector.webhooks.map((w: any) => w.name)).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io',
      'object.sidecar-injector.istio.io',
    ]);
    for (const w of injector.webhooks) {
      expect(w.clientConfig.service).toMatchObject({
        name: 'istiod',
        namespace: 'istio-system',
        path: '/inject',
      });
    }
    expect(
      await names('/clusters/shapes/api/v1/namespaces/istio-system/configmaps'),
    ).toEqual(['istio', 'istio-sidecar-injector']);
    expect(
      await names(
        '/clusters/shapes/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      ),
    ).toEqual(['istio-sidecar-injector']);

    // istio-injection=enabled, and a pod asking with sidecar.istio.io/inject=true in an unlabelled
    // namespace: both injected by the revisionless control plane.
    for (const ns of ['httpbin', 'tools']) {
      const pods = await items(`/clusters/shapes/api/v1/namespaces/${ns}/pods`);
      expect(pods.length).toBeGreaterThan(0);
      for (const pod of pods) {
        expect(pod.metadata.annotations['istio.io/rev']).toBe('default');
        expect(
          JSON.parse(pod.metadata.annotations['sidecar.istio.io/status'])
            .revision,
        ).toBe('default');
        expect(
          pod.spec.containers.find((c: any) => c.name === 'istio-proxy').image,
        ).toBe('docker.io/istio/proxyv2:1.29.1');
      }
    }

    // Without a ready istiod, the webhook that matches fails the pod's creation as real Istio does.
    const scaled = await t.request(
      'PATCH',
      '/clusters/shapes/apis/apps/v1/namespaces/istio-system/deployments/istiod/scale',
      { spec: { replicas: 0 } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(scaled.status).toBe(200);
    const refused = await t.eventually(async () => {
      const res = await t.request(
        'POST',
        '/clusters/shapes/api/v1/namespaces/httpbin/pods',
        {
          metadata: { name: 'probe' },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      );
      return res.status === 500 && res;
    });
    expect(refused.body.message).toBe(
      'Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/inject?timeout=10s": no endpoints available for service "istiod"',
    );
    await t.request(
      'PATCH',
      '/clusters/shapes/apis/apps/v1/namespaces/istio-system/deployments/istiod/scale',
      { spec: { replicas: 1 } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
  });

  it('runs an egress gateway injected with the gateway template, behind a ClusterIP Service', async () => {
    for (const [cluster, revision, version] of [
      ['shapes', 'default', '1.29.1'],
      ['prod-eu', '1-30-1', '1.30.1'],
      ['staging', '1-28-3', '1.28.3'],
    ]) {
      const deployment = await get(
        `/clusters/${cluster}/apis/apps/v1/namespaces/istio-system/deployments/istio-egressgateway`,
      );
      expect(deployment.metadata.labels).toMatchObject({
        app: 'istio-egressgateway',
        istio: 'egressgateway',
        'istio.io/rev': revision,
        'operator.istio.io/component': 'EgressGateways',
      });
      expect(deployment.spec.selector.matchLabels).toEqual({
        app: 'istio-egressgateway',
        istio: 'egressgateway',
      });
      expect(
        deployment.spec.template.metadata.annotations[
          'inject.istio.io/templates'
        ],
      ).toBe('gateway');
      const service = await get(
        `/clusters/${cluster}/api/v1/namespaces/istio-system/services/istio-egressgateway`,
      );
      expect(service.spec.type).toBe('ClusterIP');
      expect(service.spec.selector).toEqual({
        app: 'istio-egressgateway',
        istio: 'egressgateway',
      });
      expect(
        service.spec.ports.map(
          (p: any) => `${p.name}:${p.port}>${p.targetPort}`,
        ),
      ).toEqual(['http2:80>8080', 'https:443>8443']);
      const pods = await items(
        `/clusters/${cluster}/api/v1/namespaces/istio-system/pods?labelSelector=istio%3Degressgateway`,
      );
      expect(pods).toHaveLength(1);
      const [pod] = pods;
      expect(pod.status.phase).toBe('Running');
      expect(pod.metadata.annotations['istio.io/rev']).toBe(revision);
      // The gateway template: the pod's own istio-proxy becomes the proxy, no init container.
      expect(pod.spec.initContainers).toBeUndefined();
      expect(pod.spec.containers.map((c: any) => [c.name, c.image])).toEqual([
        ['istio-proxy', `docker.io/istio/proxyv2:${version}`],
      ]);
      const endpoints = await get(
        `/clusters/${cluster}/api/v1/namespaces/istio-system/endpoints/istio-egressgateway`,
      );
      expect(endpoints.subsets[0].addresses).toHaveLength(1);
    }
    // The seed was installed with istioctl's default profile: no egress gateway.
    expect(
      (
        await t.request(
          'GET',
          '/clusters/seed/apis/apps/v1/namespaces/istio-system/deployments/istio-egressgateway',
        )
      ).status,
    ).toBe(404);
  });

  it('installs the validating webhooks each Istio release has', async () => {
    // Istio 1.29, revisionless: the revision's validator and the default one from the base chart.
    const shapes = await items(vwcPath);
    expect(shapes.map(o => o.metadata.name).sort()).toEqual([
      'istio-validator-istio-system',
      'istiod-default-validator',
    ]);
    const revisionless = shapes.find(
      o => o.metadata.name === 'istio-validator-istio-system',
    );
    expect(revisionless.metadata.labels).toMatchObject({
      app: 'istiod',
      release: 'istiod',
      istio: 'istiod',
      'istio.io/rev': 'default',
      'app.kubernetes.io/name': 'istiod',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': '1.29.1',
    });
    expect(revisionless.webhooks[0]).toMatchObject({
      name: 'rev.validation.istio.io',
      clientConfig: { service: { name: 'istiod', path: '/validate' } },
      objectSelector: {
        matchExpressions: [
          { key: 'istio.io/rev', operator: 'In', values: ['default'] },
        ],
      },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    });

    // The demo: a validator per revision, and istiod-default-validator as `istioctl tag set default`
    // writes it for the tag's revision.
    const staging = await items(
      '/clusters/staging/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
    );
    expect(staging.map(o => o.metadata.name).sort()).toEqual([
      'istio-validator-1-28-3-istio-system',
      'istio-validator-1-31-0-istio-system',
      'istiod-default-validator',
    ]);
    const canary = staging.find(
      o => o.metadata.name === 'istio-validator-1-31-0-istio-system',
    );
    expect(canary.metadata.labels).toMatchObject({
      app: 'istiod',
      istio: 'istiod',
      'istio.io/rev': '1-31-0',
      release: 'istiod-1-31-0',
    });
    expect(canary.webhooks[0]).toMatchObject({
      name: 'rev.validation.istio.io',
      clientConfig: { service: { name: 'istiod-1-31-0' } },
      objectSelector: {
        matchExpressions: [
          { key: 'istio.io/rev', operator: 'In', values: ['1-31-0'] },
        ],
      },
    });
    const byTag = staging.find(
      o => o.metadata.name === 'istiod-default-validator',
    );
    expect(byTag.metadata.labels).toMatchObject({
      'istio.io/rev': '1-28-3',
      'istio.io/tag': 'default',
    });
    expect(byTag.webhooks).toHaveLength(1);
    expect(byTag.webhooks[0]).toMatchObject({
      name: 'validation.istio.io',
      clientConfig: {
        service: {
          name: 'istiod-1-28-3',
          namespace: 'istio-system',
          path: '/validate',
        },
      },
      objectSelector: {
        matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }],
      },
    });
    expect(byTag.webhooks[0].reinvocationPolicy).toBeUndefined();

    // Since 1.28, `istioctl tag set` also writes the tag's Service, selecting the revision's istiod.
    const tagServices = await items(
      '/clusters/staging/api/v1/namespaces/istio-system/services?labelSelector=istio.io%2Ftag',
    );
    expect(
      tagServices.map(
        s => `${s.metadata.name}>${s.spec.selector['istio.io/rev']}`,
      ),
    ).toEqual([
      'istiod-revision-tag-canary>1-31-0',
      'istiod-revision-tag-default>1-28-3',
      'istiod-revision-tag-prod>1-28-3',
    ]);
    const tagSlices = await items(
      '/clusters/staging/apis/discovery.k8s.io/v1/namespaces/istio-system/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Distiod-revision-tag-canary',
    );
    expect(tagSlices[0].endpoints).toHaveLength(1);
    expect(
      await items(
        '/clusters/seed/api/v1/namespaces/istio-system/services?labelSelector=istio.io%2Ftag',
      ),
    ).toEqual([]);

    // Istio 1.9/1.10 (the seed) predate per-revision validators: the base chart's single one.
    const seed = await items(
      '/clusters/seed/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
    );
    expect(seed.map(o => o.metadata.name)).toEqual(['istiod-istio-system']);
    expect(seed[0].webhooks[0]).toMatchObject({
      name: 'validation.istio.io',
      clientConfig: { service: { name: 'istiod' } },
      failurePolicy: 'Ignore',
      admissionReviewVersions: ['v1beta1', 'v1'],
    });
    expect(
      await names('/clusters/seed/api/v1/namespaces/istio-system/configmaps'),
    ).toEqual([
      'istio-1-10-4',
      'istio-1-9-7',
      'istio-sidecar-injector-1-10-4',
      'istio-sidecar-injector-1-9-7',
    ]);
  });

  it('serves ValidatingWebhookConfigurations like the API server: list, watch, create, update with conflicts, patch, delete', async () => {
    const watch = await t.request(
      'GET',
      `${vwcPath}?watch=true&timeoutSeconds=1&resourceVersion=${
        (
          await get(vwcPath)
        ).metadata.resourceVersion
      }`,
    );
    expect(watch.status).toBe(200);
    const missing = await t.request('POST', vwcPath, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'policy' },
      webhooks: [
        {
          name: 'policy.example.com',
          clientConfig: { url: 'https://policy.example.com/validate' },
        },
      ],
    });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toBe(
      'ValidatingWebhookConfiguration.admissionregistration.k8s.io "policy" is invalid: [webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun, webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1]',
    );
    const created = await t.request('POST', vwcPath, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'policy' },
      webhooks: [
        {
          name: 'policy.example.com',
          clientConfig: { url: 'https://policy.example.com/validate' },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata.generation).toBe(1);
    expect(created.body.webhooks[0]).toEqual({
      name: 'policy.example.com',
      clientConfig: { url: 'https://policy.example.com/validate' },
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      sideEffects: 'None',
      timeoutSeconds: 10,
      admissionReviewVersions: ['v1'],
    });
    const duplicate = await t.request('POST', vwcPath, created.body);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.reason).toBe('AlreadyExists');

    const stale = created.body;
    const patched = await t.request(
      'PATCH',
      `${vwcPath}/policy`,
      { webhooks: [{ name: 'policy.example.com', failurePolicy: 'Ignore' }] },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.webhooks).toHaveLength(1);
    expect(patched.body.webhooks[0].failurePolicy).toBe('Ignore');
    expect(patched.body.metadata.generation).toBe(2);
    const conflict = await t.request('PUT', `${vwcPath}/policy`, {
      ...stale,
      webhooks: [{ ...stale.webhooks[0], timeoutSeconds: 5 }],
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toBe(
      'Operation cannot be fulfilled on validatingwebhookconfigurations.admissionregistration.k8s.io "policy": the object has been modified; please apply your changes to the latest version and try again',
    );
    const updated = await t.request('PUT', `${vwcPath}/policy`, {
      ...patched.body,
      webhooks: [{ ...patched.body.webhooks[0], timeoutSeconds: 5 }],
    });
    expect(updated.status).toBe(200);
    expect(updated.body.webhooks[0].timeoutSeconds).toBe(5);

    const kubectl = await t.kubectl([
      '--context',
      'shapes',
      'get',
      'validatingwebhookconfigurations',
      '-o',
      'name',
    ]);
    expect(kubectl.stdout.trim().split('\n').sort()).toEqual([
      'validatingwebhookconfiguration.admissionregistration.k8s.io/istio-validator-istio-system',
      'validatingwebhookconfiguration.admissionregistration.k8s.io/istiod-default-validator',
      'validatingwebhookconfiguration.admissionregistration.k8s.io/policy',
    ]);
    const deleted = await t.request('DELETE', `${vwcPath}/policy`);
    expect(deleted.status).toBe(200);
    expect((await t.request('GET', `${vwcPath}/policy`)).status).toBe(404);
  });
});
