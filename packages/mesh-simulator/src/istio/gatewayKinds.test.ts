import { resolve } from 'node:path';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

const scenario = resolve(__dirname, '../../scenarios/gateway-kinds.yaml');

describe('gateways of every kind', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({ scenarios: [scenario], speed: 20 });
  });

  afterAll(async () => {
    await t.stop();
  });

  const items = async (path: string) =>
    (await t.request('GET', path)).body.items as any[];

  it('runs egress, NodePort and DaemonSet gateways injected with the gateway template by their revision', async () => {
    const pods = await t.eventually(async () => {
      const all = [
        ...(await items(
          '/clusters/gateway-kinds/api/v1/namespaces/istio-gateways/pods',
        )),
        ...(await items(
          '/clusters/gateway-kinds/api/v1/namespaces/istio-system/pods',
        )),
        ...(await items('/clusters/gateway-kinds/api/v1/namespaces/edge/pods')),
      ].filter(p => p.metadata.labels.app !== 'istiod');
      return (
        all.length === 7 && all.every(p => p.status.phase === 'Running') && all
      );
    });
    const seen = pods
      .map(p => {
        const proxy = p.spec.containers.find(
          (c: any) => c.name === 'istio-proxy',
        );
        return [
          `${p.metadata.namespace}/${p.metadata.labels.app}`,
          JSON.parse(p.metadata.annotations['sidecar.istio.io/status'])
            .revision,
          proxy.image,
          p.spec.initContainers === undefined,
        ].join(' ');
      })
      .sort();
    expect(seen).toEqual([
      'edge/edge-gateway 1-28-3 docker.io/istio/proxyv2:1.28.3 true',
      'edge/edge-gateway 1-28-3 docker.io/istio/proxyv2:1.28.3 true',
      'istio-gateways/ingress-nodeport 1-28-3 docker.io/istio/proxyv2:1.28.3 true',
      'istio-gateways/istio-egressgateway-1-28-3 1-28-3 docker.io/istio/proxyv2:1.28.3 true',
      'istio-gateways/istio-ingressgateway-1-28-3 1-28-3 docker.io/istio/proxyv2:1.28.3 true',
      'istio-gateways/istio-ingressgateway-1-29-1 1-29-1 docker.io/istio/proxyv2:1.29.1 true',
      'istio-system/istio-egressgateway 1-28-3 docker.io/istio/proxyv2:1.28.3 true',
    ]);
    const services = await items('/clusters/gateway-kinds/api/v1/services');
    expect(
      services
        .filter(s => s.spec.type === 'NodePort')
        .map(s => [s.metadata.name, s.spec.ports[0].nodePort >= 30000]),
    ).toEqual([
      ['edge-gateway', true],
      ['ingress-nodeport', true],
    ]);
  });
});
