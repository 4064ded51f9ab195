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
  /** The revision each pod of a gateway was injected by, from `sidecar.istio.io/status`. */
  const podRevisions = async (gateway: string) => {
    const pods = await get(
      `${base}/api/v1/namespaces/ingress/pods?labelSelector=gateway.networking.k8s.io/gateway-name%3D${gateway}`,
    );
    return (pods.items as any[]).map(p => ({
      name: p.metadata.name as string,
      revision: JSON.parse(
        p.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}',
      ).revision as string | undefined,
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

  it('deploys <name>-istio for each Gateway, injected with the gateway template of its revision, tags resolved', async () => {
    const web = await deployment('web-istio');
    expect(web.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Gateway',
      name: 'web',
    });
    expect(web.spec.template.metadata.labels).toMatchObject({
      'gateway.networking.k8s.io/gateway-name': 'web',
      'istio.io/rev': '1-29-1',
      'sidecar.istio.io/inject': 'true',
    });
    expect(
      web.spec.template.metadata.annotations['inject.istio.io/templates'],
    ).toBe('gateway');
    // `api` names the tag `stable`: the istiod the tag calls (1-29-1) deploys it.
    const api = await deployment('api-istio');
    expect(api.spec.template.metadata.labels['istio.io/rev']).toBe('1-29-1');
    const pods = await t.eventually(async () => {
      const p = await podRevisions('web');
      return p.length === 1 && p[0].ready && p;
    });
    expect(pods[0].revision).toBe('1-29-1');

    const service = await get(
      `${base}/api/v1/namespaces/ingress/services/web-istio`,
    );
    expect(service.spec).toMatchObject({
      type: 'LoadBalancer',
      selector: { 'gateway.networking.k8s.io/gateway-name': 'web' },
    });
    expect(service.spec.ports.map((p: any) => p.port)).toEqual([15021, 80]);
    const gateway = await t.eventually(async () => {
      const g = await get(`${gatewaysPath}/web`);
      return g.status?.addresses?.length && g;
    });
    expect(
      gateway.status.conditions.map((c: any) => [c.type, c.status]),
    ).toEqual([
      ['Accepted', 'True'],
      ['Programmed', 'True'],
    ]);
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
});
