import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

const base = '/clusters/gwapi';
const gatewaysPath = `${base}/apis/gateway.networking.k8s.io/v1/namespaces/ingress/gateways`;
const merge = { 'Content-Type': 'application/merge-patch+json' };

describe('Gateway API gateways deployed by istiod', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({ scenarios: ['gateway-api'], speed: 20 });
  });

  afterAll(async () => {
    await t.stop();
  });

  const get = async (path: string) => (await t.request('GET', path)).body;
  const deployment = (name: string) =>
    get(`${base}/apis/apps/v1/namespaces/ingress/deployments/${name}`);
  /**
   * The revision each pod of a gateway runs: istiod renders the proxy into the Deployment and does
   * not inject the pods, so it is their annotation `istio.io/rev` (and no `sidecar.istio.io/status`).
   */
  const podRevisions = async (gateway: string) => {
    const pods = await get(
      `${base}/api/v1/namespaces/ingress/pods?labelSelector=gateway.networking.k8s.io/gateway-name%3D${gateway}`,
    );
    return (pods.items as any[]).map(p => ({
      name: p.metadata.name as string,
      revision: p.metadata.annotations?.['istio.io/rev'] as string | undefined,
      injected: Boolean(p.metadata.annotations?.['sidecar.istio.io/status']),
      image: p.spec.containers.map((c: any) => c.image).join(','),
      ready: (p.status?.conditions ?? []).some(
        (c: any) => c.type === 'Ready' && c.status === 'True',
      ),
      terminating: Boolean(p.metadata.deletionTimestamp),
    }));
  };

  it('serves the Gateway kind in discovery and as a namespaced resource', async () => {
    const group = await get(
      '/clusters/gwapi/apis/gateway.networking.k8s.io/v1',
    );
    expect(group.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'gateways',
          kind: 'Gateway',
          namespaced: true,
        }),
      ]),
    );
    const list = await get(gatewaysPath);
    expect(list.kind).toBe('GatewayList');
    expect(list.items.map((g: any) => g.metadata.name).sort()).toEqual([
      'api',
      'web',
    ]);
  });

  it('deploys <name>-istio for each Gateway as real istiod renders it, tags resolved', async () => {
    const web = await deployment('web-istio');
    const owner = [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        name: 'web',
        uid: (await get(`${gatewaysPath}/web`)).metadata.uid,
      },
    ];
    const objectLabels = {
      'gateway.istio.io/managed': 'istio.io-gateway-controller',
      'gateway.networking.k8s.io/gateway-class-name': 'istio',
      'gateway.networking.k8s.io/gateway-name': 'web',
      'istio.io/rev': '1-29-1',
    };
    expect(web.metadata.ownerReferences).toEqual(owner);
    expect(web.metadata.labels).toEqual(objectLabels);
    expect(web.spec.selector).toEqual({
      matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'web' },
    });
    // Not injected: the kube-gateway template renders the whole proxy into the Deployment.
    expect(web.spec.template.metadata).toEqual({
      labels: {
        ...objectLabels,
        'service.istio.io/canonical-name': 'web-istio',
        'service.istio.io/canonical-revision': 'latest',
        'sidecar.istio.io/inject': 'false',
      },
      annotations: {
        'istio.io/rev': '1-29-1',
        'prometheus.io/path': '/stats/prometheus',
        'prometheus.io/port': '15020',
        'prometheus.io/scrape': 'true',
      },
    });
    const podSpec = web.spec.template.spec;
    expect(podSpec.serviceAccountName).toBe('web-istio');
    expect(podSpec.securityContext).toEqual({
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
    });
    expect(podSpec.volumes.map((v: any) => v.name)).toEqual([
      'workload-socket',
      'credential-socket',
      'workload-certs',
      'istio-envoy',
      'istio-data',
      'istio-podinfo',
      'istio-token',
      'istiod-ca-cert',
    ]);
    expect(podSpec.containers).toHaveLength(1);
    const proxy = podSpec.containers[0];
    expect(proxy).toMatchObject({
      name: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.29.1',
      imagePullPolicy: 'IfNotPresent',
      args: [
        'proxy',
        'router',
        '--domain',
        '$(POD_NAMESPACE).svc.cluster.local',
        '--proxyLogLevel',
        'warning',
        '--proxyComponentLogLevel',
        'misc:error',
        '--log_output_level',
        'default:info',
      ],
      ports: [
        { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
        { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
        { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
      ],
      readinessProbe: {
        failureThreshold: 4,
        httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
        periodSeconds: 15,
        successThreshold: 1,
        timeoutSeconds: 1,
      },
      startupProbe: {
        failureThreshold: 30,
        httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
        initialDelaySeconds: 1,
        periodSeconds: 1,
        successThreshold: 1,
        timeoutSeconds: 1,
      },
      resources: {
        limits: { cpu: '2', memory: '1Gi' },
        requests: { cpu: '100m', memory: '128Mi' },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 1337,
        runAsNonRoot: true,
        runAsUser: 1337,
      },
    });
    expect(proxy.env.map((e: any) => e.name)).toEqual([
      'PILOT_CERT_PROVIDER',
      'CA_ADDR',
      'POD_NAME',
      'POD_NAMESPACE',
      'INSTANCE_IP',
      'SERVICE_ACCOUNT',
      'HOST_IP',
      'ISTIO_CPU_LIMIT',
      'PROXY_CONFIG',
      'ISTIO_META_POD_PORTS',
      'ISTIO_META_APP_CONTAINERS',
      'GOMEMLIMIT',
      'GOMAXPROCS',
      'ISTIO_META_CLUSTER_ID',
      'ISTIO_META_NODE_NAME',
      'ISTIO_META_INTERCEPTION_MODE',
      'ISTIO_META_WORKLOAD_NAME',
      'ISTIO_META_OWNER',
      'ISTIO_META_MESH_ID',
      'TRUST_DOMAIN',
    ]);
    expect(proxy.env).toEqual(
      expect.arrayContaining([
        { name: 'CA_ADDR', value: 'istiod-1-29-1.istio-system.svc:15012' },
        {
          name: 'ISTIO_META_OWNER',
          value:
            'kubernetes://apis/apps/v1/namespaces/ingress/deployments/web-istio',
        },
        {
          name: 'GOMEMLIMIT',
          valueFrom: {
            resourceFieldRef: { divisor: '1', resource: 'limits.memory' },
          },
        },
      ]),
    );

    // istiod creates the pods' ServiceAccount too.
    const account = await get(
      `${base}/api/v1/namespaces/ingress/serviceaccounts/web-istio`,
    );
    expect(account.metadata.labels).toEqual(objectLabels);
    expect(account.metadata.ownerReferences).toEqual(owner);

    // `api` names the tag `stable`: the istiod the tag calls (1-29-1) deploys it, and the objects
    // carry the Gateway's own label, the tag's name.
    const api = await deployment('api-istio');
    expect(api.metadata.labels['istio.io/rev']).toBe('stable');
    expect(api.spec.template.metadata.labels['istio.io/rev']).toBe('stable');
    expect(api.spec.template.metadata.annotations['istio.io/rev']).toBe(
      '1-29-1',
    );
    const pods = await t.eventually(async () => {
      const p = await podRevisions('web');
      return p.length === 1 && p[0].ready && p;
    });
    expect(pods[0]).toMatchObject({
      revision: '1-29-1',
      injected: false,
      image: 'docker.io/istio/proxyv2:1.29.1',
    });

    const service = await get(
      `${base}/api/v1/namespaces/ingress/services/web-istio`,
    );
    expect(service.metadata.labels).toEqual(objectLabels);
    expect(service.metadata.ownerReferences).toEqual(owner);
    expect(service.spec).toMatchObject({
      type: 'LoadBalancer',
      selector: { 'gateway.networking.k8s.io/gateway-name': 'web' },
    });
    expect(
      service.spec.ports.map((p: any) => [
        p.name,
        p.port,
        p.protocol,
        p.appProtocol,
        p.targetPort,
      ]),
    ).toEqual([
      ['status-port', 15021, 'TCP', 'tcp', 15021],
      ['http', 80, 'TCP', 'http', 80],
    ]);
    const gateway = await t.eventually(async () => {
      const g = await get(`${gatewaysPath}/web`);
      return g.status?.addresses?.length && g;
    });
    expect(
      gateway.status.conditions.map((c: any) => [
        c.type,
        c.status,
        c.reason,
        c.message,
      ]),
    ).toEqual([
      ['Accepted', 'True', 'Accepted', 'Resource accepted'],
      [
        'Programmed',
        'True',
        'Programmed',
        'Resource programmed, assigned to service(s) web-istio.ingress.svc.cluster.local:80',
      ],
    ]);
    expect(gateway.status.listeners).toEqual([
      {
        attachedRoutes: 0,
        conditions: [
          ['Accepted', 'True', 'Accepted'],
          ['Conflicted', 'False', 'NoConflicts'],
          ['Programmed', 'True', 'Programmed'],
          ['ResolvedRefs', 'True', 'ResolvedRefs'],
        ].map(([type, status, reason]) =>
          expect.objectContaining({
            type,
            status,
            reason,
            message: 'No errors found',
          }),
        ),
        name: 'http',
        supportedKinds: [
          { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
          { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' },
        ],
      },
    ]);
  });

  it('copies spec.infrastructure (or else the Gateway its own) labels and annotations, names ports after listeners, and reports a pending address', async () => {
    const created = await t.request('POST', gatewaysPath, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: 'multi',
        namespace: 'ingress',
        labels: { 'istio.io/rev': '1-29-1' },
        annotations: { 'example.com/a': 'b' },
      },
      spec: {
        gatewayClassName: 'istio',
        infrastructure: {
          labels: { team: 'x' },
          annotations: { 'team.example.com/owner': 'yy' },
        },
        listeners: [
          { name: 'http', port: 80, protocol: 'HTTP' },
          {
            name: 'other-http',
            hostname: 'a.example.com',
            port: 80,
            protocol: 'HTTP',
          },
          {
            name: 'tls-pass',
            port: 443,
            protocol: 'TLS',
            tls: { mode: 'Passthrough' },
          },
          { name: 'tcp', port: 9000, protocol: 'TCP' },
          {
            name: 'https.two',
            port: 8443,
            protocol: 'HTTPS',
            tls: {
              mode: 'Terminate',
              certificateRefs: [{ name: 'missing-cert' }],
            },
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const multi = await t.eventually(async () => {
      const r = await t.request(
        'GET',
        `${base}/apis/apps/v1/namespaces/ingress/deployments/multi-istio`,
      );
      return r.status === 200 && r.body;
    });
    const labels = {
      'gateway.istio.io/managed': 'istio.io-gateway-controller',
      'gateway.networking.k8s.io/gateway-class-name': 'istio',
      'gateway.networking.k8s.io/gateway-name': 'multi',
      team: 'x',
    };
    expect(multi.metadata.labels).toEqual(labels);
    expect(multi.metadata.annotations).toMatchObject({
      'team.example.com/owner': 'yy',
    });
    expect(multi.metadata.annotations['example.com/a']).toBeUndefined();
    expect(multi.spec.template.metadata.annotations).toEqual({
      'istio.io/rev': '1-29-1',
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'team.example.com/owner': 'yy',
    });
    const service = await get(
      `${base}/api/v1/namespaces/ingress/services/multi-istio`,
    );
    expect(service.metadata.labels).toEqual(labels);
    expect(service.metadata.annotations).toEqual({
      'team.example.com/owner': 'yy',
    });
    expect(
      service.spec.ports.map((p: any) => [p.name, p.port, p.appProtocol]),
    ).toEqual([
      ['status-port', 15021, 'tcp'],
      ['http', 80, 'http'],
      ['tls-pass', 443, 'tls'],
      ['tcp', 9000, 'tcp'],
      ['https-two', 8443, 'https'],
    ]);
    const gateway = await t.eventually(async () => {
      const g = await get(`${gatewaysPath}/multi`);
      return g.status?.conditions?.length && g;
    });
    const host = 'multi-istio.ingress.svc.cluster.local';
    const programmed = gateway.status.conditions.find(
      (c: any) => c.type === 'Programmed',
    );
    // The simulator's load balancer may have assigned the address already.
    expect([
      `Assigned to service(s) ${host}:443, ${host}:80, ${host}:8443, and ${host}:9000, but failed to assign to all requested addresses: address pending for hostname "${host}"`,
      `Resource programmed, assigned to service(s) ${host}:443, ${host}:80, ${host}:8443, and ${host}:9000`,
    ]).toContain(programmed.message);
    const listener = (name: string) =>
      gateway.status.listeners
        .find((l: any) => l.name === name)
        .conditions.map((c: any) => [c.type, c.status, c.reason, c.message]);
    expect(listener('tcp')[0]).toEqual([
      'Accepted',
      'False',
      'UnsupportedProtocol',
      'protocol "TCP" is supported, but only when PILOT_ENABLE_ALPHA_GATEWAY_API=true is configured',
    ]);
    expect(listener('https.two').slice(2)).toEqual([
      ['Programmed', 'False', 'Invalid', 'Bad TLS configuration'],
      [
        'ResolvedRefs',
        'False',
        'InvalidCertificateRef',
        'invalid certificate reference /Secret/missing-cert., secret ingress/missing-cert not found',
      ],
    ]);
    expect((await t.request('DELETE', `${gatewaysPath}/multi`)).status).toBe(
      200,
    );
  });

  it('moves a relabelled Gateway to the new revision by a rolling update', async () => {
    const before = await podRevisions('web');
    const patched = await t.request(
      'PATCH',
      `${gatewaysPath}/web`,
      { metadata: { labels: { 'istio.io/rev': '1-30-1' } } },
      merge,
    );
    expect(patched.status).toBe(200);
    // Surge first: while the new pod starts, the old one keeps serving.
    let neverEmpty = true;
    const after = await t.eventually(async () => {
      const pods = await podRevisions('web');
      if (!pods.some(p => p.ready && !p.terminating)) neverEmpty = false;
      const live = pods.filter(p => !p.terminating);
      return (
        live.length === 1 &&
        live[0].ready &&
        live[0].revision === '1-30-1' &&
        live
      );
    });
    expect(neverEmpty).toBe(true);
    expect(after[0].name).not.toBe(before[0].name);
    expect(
      (await deployment('web-istio')).spec.template.metadata.labels[
        'istio.io/rev'
      ],
    ).toBe('1-30-1');
  });

  it('keeps a replica count set by the user when it rewrites the Deployment', async () => {
    await t.request(
      'PATCH',
      `${base}/apis/apps/v1/namespaces/ingress/deployments/web-istio`,
      { spec: { replicas: 2 } },
      merge,
    );
    await t.request(
      'PATCH',
      `${gatewaysPath}/web`,
      { metadata: { labels: { 'istio.io/rev': '1-29-1' } } },
      merge,
    );
    const pods = await t.eventually(async () => {
      const live = (await podRevisions('web')).filter(p => !p.terminating);
      return (
        live.length === 2 &&
        live.every(p => p.ready && p.revision === '1-29-1') &&
        live
      );
    });
    expect(pods).toHaveLength(2);
  });

  it('restarts the Gateways that name a tag when the tag moves', async () => {
    const tag = await get(
      `${base}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-stable`,
    );
    const webhooks = tag.webhooks.map((w: any) => ({
      ...w,
      clientConfig: {
        ...w.clientConfig,
        service: { ...w.clientConfig.service, name: 'istiod-1-30-1' },
      },
    }));
    const moved = await t.request(
      'PUT',
      `${base}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-stable`,
      {
        ...tag,
        metadata: {
          ...tag.metadata,
          labels: { ...tag.metadata.labels, 'istio.io/rev': '1-30-1' },
        },
        webhooks,
      },
    );
    expect(moved.status).toBe(200);
    const pods = await t.eventually(async () => {
      const live = (await podRevisions('api')).filter(p => !p.terminating);
      return (
        live.length === 1 &&
        live[0].ready &&
        live[0].revision === '1-30-1' &&
        live
      );
    });
    expect(pods).toHaveLength(1);
  });

  it('deletes the Deployment and Service with their Gateway', async () => {
    expect((await t.request('DELETE', `${gatewaysPath}/api`)).status).toBe(200);
    await t.eventually(
      async () =>
        (
          await t.request(
            'GET',
            `${base}/apis/apps/v1/namespaces/ingress/deployments/api-istio`,
          )
        ).status === 404,
    );
    expect(
      (
        await t.request(
          'GET',
          `${base}/api/v1/namespaces/ingress/services/api-istio`,
        )
      ).status,
    ).toBe(404);
  });

  it("carries the probe's traffic through a deployed gateway on its listener's port", async () => {
    await t.request('POST', '/sim/v1/clusters/gwapi/traffic/reset');
    await t.eventually(
      async () =>
        (
          await get('/sim/v1/clusters/gwapi/traffic')
        ).flows.find((f: any) => f.name === 'web')?.sent >= 20,
    );
    const web = (await get('/sim/v1/clusters/gwapi/traffic')).flows.find(
      (f: any) => f.name === 'web',
    );
    expect(web.failed).toBe(0);
    expect(web.succeeded).toBe(web.sent);
  });
});
