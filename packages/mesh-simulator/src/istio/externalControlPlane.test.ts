import { resolve } from 'node:path';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

const scenario = resolve(
  __dirname,
  '../../scenarios/external-control-plane.yaml',
);
const url =
  'https://istiod.mesh-control.example:15017/inject/cluster/remote/net/network1';

describe('a cluster whose control plane runs outside it', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({ scenarios: [scenario], speed: 20 });
  });

  afterAll(async () => {
    await t.stop();
  });

  const get = async (path: string) => (await t.request('GET', path)).body;

  it('has no istiod, only injector webhooks that call the external istiod by URL', async () => {
    const deployments = await get(
      '/clusters/remote/apis/apps/v1/namespaces/istio-system/deployments',
    );
    expect(deployments.items).toEqual([]);
    const injector = await get(
      '/clusters/remote/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector',
    );
    expect(injector.webhooks.map((w: any) => w.clientConfig.url)).toEqual(
      injector.webhooks.map(() => url),
    );
    expect(
      injector.webhooks.every((w: any) => w.clientConfig.service === undefined),
    ).toBe(true);
    const tag = await get(
      '/clusters/remote/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-canary',
    );
    expect(tag.webhooks[0].clientConfig.url).toBe(
      'https://istiod-1-29-1.mesh-control.example:15017/inject/cluster/remote/net/network1',
    );
  });

  it('injects pods through those webhooks, by the revision and version of the external istiod', async () => {
    const pods = await t.eventually(async () => {
      const shop = (await get('/clusters/remote/api/v1/namespaces/shop/pods'))
        .items as any[];
      const payments = (
        await get('/clusters/remote/api/v1/namespaces/payments/pods')
      ).items as any[];
      return (
        shop.length === 2 && payments.length === 1 && [...shop, ...payments]
      );
    });
    expect(
      pods.map((p: any) => [
        p.metadata.namespace,
        JSON.parse(p.metadata.annotations['sidecar.istio.io/status']).revision,
        p.spec.containers.find((c: any) => c.name === 'istio-proxy')?.image ??
          p.spec.initContainers.find((c: any) => c.name === 'istio-proxy')
            ?.image,
      ]),
    ).toEqual([
      ['shop', 'default', 'docker.io/istio/proxyv2:1.28.3'],
      ['shop', 'default', 'docker.io/istio/proxyv2:1.28.3'],
      ['payments', '1-29-1', 'docker.io/istio/proxyv2:1.29.1'],
    ]);
  });
});
