import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

const vwcPath =
  '/clusters/shapes/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';

describe('the shapes of real Istio installs', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({
      scenarios: ['seed', 'demo', 'shapes', 'real-lab'],
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
    // The istio-discovery chart: a revisionless istiod is selected by `istio: pilot`.
    expect(istiod.spec.selector.matchLabels).toEqual({ istio: 'pilot' });
    expect(istiod.spec.template.metadata.labels).toMatchObject({
      app: 'istiod',
      istio: 'pilot',
      'istio.io/rev': 'default',
    });
    expect(
      (
        await get(
          '/clusters/shapes/api/v1/namespaces/istio-system/services/istiod',
        )
      ).spec.selector,
    ).toEqual({ app: 'istiod', istio: 'pilot' });
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
        // Istio 1.29 on kubelets 1.34: a native sidecar.
        const proxy = pod.spec.initContainers.find(
          (c: any) => c.name === 'istio-proxy',
        );
        expect(proxy.image).toBe('docker.io/istio/proxyv2:1.29.1');
        expect(proxy.restartPolicy).toBe('Always');
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
      ['prod-eu', 'default-v1-30-1', '1.30.1'],
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

  it('injects by each release’s templates: native sidecars from 1.27 on kubelets 1.33+', async () => {
    // Istio 1.9 (the seed): the proxy is the last container, istio-init the last init container.
    const [seedPod] = await items(
      '/clusters/seed/api/v1/namespaces/bookinfo/pods?labelSelector=app%3Dproductpage',
    );
    expect(seedPod.spec.initContainers.map((c: any) => c.name)).toEqual([
      'istio-init',
    ]);
    expect(seedPod.spec.containers.map((c: any) => c.name)).toEqual([
      'productpage',
      'istio-proxy',
    ]);
    // Istio 1.30 (the demo) on Nodes whose kubelets are 1.34: a native sidecar after istio-init,
    // running and ready beside the application, and serving through its Service.
    const shop = await items(
      '/clusters/prod-eu/api/v1/namespaces/shop/pods?labelSelector=app%3Dstorefront',
    );
    expect(shop.length).toBe(3);
    for (const pod of shop) {
      expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual([
        'istio-init',
        'istio-proxy',
      ]);
      expect(pod.spec.initContainers[1]).toMatchObject({
        image: 'docker.io/istio/proxyv2:1.30.1',
        restartPolicy: 'Always',
      });
      expect(pod.spec.containers.map((c: any) => c.name)).toEqual([
        'storefront',
      ]);
      expect(
        JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']),
      ).toMatchObject({
        initContainers: ['istio-init', 'istio-proxy'],
        containers: null,
        revision: 'default-v1-30-1',
      });
      expect(pod.status.initContainerStatuses[1]).toMatchObject({
        name: 'istio-proxy',
        ready: true,
        started: true,
        state: { running: {} },
      });
      // The API server reinvokes the ServiceAccount plugin after the webhook: injected containers
      // mount the token too.
      for (const c of pod.spec.initContainers) {
        expect(c.volumeMounts.map((m: any) => m.mountPath)).toContain(
          '/var/run/secrets/kubernetes.io/serviceaccount',
        );
      }
    }
    // kubectl counts the sidecar among the pod's containers, as the API server prints it.
    const listed = await t.kubectl([
      '--context',
      'prod-eu',
      'get',
      'pods',
      '-n',
      'shop',
      '-l',
      'app=storefront',
      '--no-headers',
    ]);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map(line => line.split(/\s+/).slice(1, 3).join(' ')),
    ).toEqual(Array(3).fill('2/2 Running'));
    const [slice] = await items(
      '/clusters/prod-eu/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dstorefront',
    );
    expect(slice.endpoints.filter((e: any) => e.conditions.ready)).toHaveLength(
      3,
    );
  });

  it('renders each release’s webhooks and istiod as its charts do', async () => {
    const versions = async (cluster: string) =>
      Object.fromEntries(
        (
          await items(
            `/clusters/${cluster}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations`,
          )
        ).map(o => [
          o.metadata.name,
          [
            ...new Set(
              o.webhooks.map((w: any) => w.admissionReviewVersions.join(',')),
            ),
          ],
        ]),
      );
    expect(await versions('seed')).toEqual({
      'istio-revision-tag-default': ['v1beta1,v1'],
      'istio-sidecar-injector-1-9-7': ['v1beta1,v1'],
      'istio-sidecar-injector-1-10-4': ['v1beta1,v1'],
    });
    expect(await versions('staging')).toEqual({
      'istio-revision-tag-canary': ['v1'],
      'istio-revision-tag-default': ['v1'],
      'istio-revision-tag-prod': ['v1'],
      'istio-sidecar-injector-1-28-3': ['v1'],
      'istio-sidecar-injector-1-31-0': ['v1'],
    });
    // A revision's istiod pods are `istio: istiod`, its Deployment and Service `istio: pilot`.
    for (const [cluster, revision] of [
      ['seed', '1-9-7'],
      ['staging', '1-28-3'],
    ]) {
      const istiod = await get(
        `/clusters/${cluster}/apis/apps/v1/namespaces/istio-system/deployments/istiod-${revision}`,
      );
      expect(istiod.metadata.labels).toMatchObject({
        app: 'istiod',
        istio: 'pilot',
        'istio.io/rev': revision,
      });
      expect(istiod.spec.selector.matchLabels).toEqual({
        app: 'istiod',
        'istio.io/rev': revision,
      });
      expect(istiod.spec.template.metadata.labels).toMatchObject({
        app: 'istiod',
        istio: 'istiod',
        'istio.io/rev': revision,
        'sidecar.istio.io/inject': 'false',
      });
    }
    const seedIstiod = await get(
      '/clusters/seed/apis/apps/v1/namespaces/istio-system/deployments/istiod-1-9-7',
    );
    expect(
      seedIstiod.spec.template.metadata.labels['istio.io/dataplane-mode'],
    ).toBeUndefined();
    expect(seedIstiod.spec.template.spec.serviceAccountName).toBe(
      'istiod-service-account',
    );
  });

  it('installs the real lab’s gateways with Istio’s gateway Helm chart', async () => {
    const base = '/clusters/real-lab';
    const deployment = await get(
      `${base}/apis/apps/v1/namespaces/istio-gateways/deployments/istio-ingressgateway-1-28-3`,
    );
    expect(deployment.metadata.annotations).toMatchObject({
      'meta.helm.sh/release-name': 'istio-ingressgateway-1-28-3',
      'meta.helm.sh/release-namespace': 'istio-gateways',
    });
    expect(deployment.spec.selector.matchLabels).toEqual({
      app: 'istio-ingressgateway-1-28-3',
      istio: 'ingressgateway',
    });
    expect(deployment.spec.template.metadata.labels).toEqual({
      app: 'istio-ingressgateway-1-28-3',
      'app.kubernetes.io/instance': 'istio-ingressgateway-1-28-3',
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/name': 'istio-ingressgateway-1-28-3',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': '1.0.0',
      'helm.sh/chart': 'gateway-1.0.0',
      istio: 'ingressgateway',
      'istio.io/dataplane-mode': 'none',
      'istio.io/rev': '1-28-3',
      'sidecar.istio.io/inject': 'true',
      version: '1-28-3',
    });
    const service = await get(
      `${base}/api/v1/namespaces/istio-gateways/services/istio-ingressgateway-1-28-3`,
    );
    const ports = (svc: any) =>
      svc.spec.ports.map((p: any) => `${p.name}:${p.port}>${p.targetPort}`);
    expect(ports(service)).toEqual([
      'status-port:15021>15021',
      'http2:80>80',
      'https:443>443',
    ]);
    const loadBalancer = await get(
      `${base}/api/v1/namespaces/istio-gateways/services/istio-ingressgateway`,
    );
    expect(ports(loadBalancer)).toEqual(ports(service));
    expect(loadBalancer.spec.allocateLoadBalancerNodePorts).toBe(true);
    const [slice] = await items(
      `${base}/apis/discovery.k8s.io/v1/namespaces/istio-gateways/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Distio-ingressgateway`,
    );
    expect(slice.ports.map((p: any) => `${p.name}/${p.port}`).sort()).toEqual([
      'http2/80',
      'https/443',
      'status-port/15021',
    ]);
    const [pod] = await items(
      `${base}/api/v1/namespaces/istio-gateways/pods?labelSelector=version%3D1-28-3`,
    );
    expect(pod.metadata.labels['security.istio.io/tlsMode']).toBeUndefined();
    expect(pod.metadata.labels).toMatchObject({
      'service.istio.io/canonical-name': 'istio-ingressgateway-1-28-3',
      'service.istio.io/canonical-revision': '1.0.0',
    });
    expect(Object.keys(pod.metadata.annotations).sort()).toEqual([
      'inject.istio.io/templates',
      'istio.io/rev',
      'prometheus.io/path',
      'prometheus.io/port',
      'prometheus.io/scrape',
      'proxy.istio.io/overrides',
      'sidecar.istio.io/inject',
      'sidecar.istio.io/status',
    ]);
    expect(
      JSON.parse(pod.metadata.annotations['proxy.istio.io/overrides'])
        .containers[0],
    ).toMatchObject({ name: 'istio-proxy', imagePullPolicy: 'Always' });
    // The control planes came from the istiod chart with Helm, and the tag copies its injector's.
    for (const path of [
      `${base}/apis/apps/v1/namespaces/istio-system/deployments/istiod-1-28-3`,
      `${base}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-default`,
    ]) {
      expect((await get(path)).metadata.annotations).toMatchObject({
        'meta.helm.sh/release-name': 'istiod-1-28-3',
      });
    }
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
