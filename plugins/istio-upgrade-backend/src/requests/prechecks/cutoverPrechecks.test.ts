import { targetPortsCheck } from './cutoverPrechecks';

const service = (
  ports: Array<{ port: number; targetPort?: number | string }>,
) => ({
  spec: { selector: { istio: 'ingressgateway', version: '1-29-1' }, ports },
});

const gateway = (ports: Array<{ containerPort: number; name?: string }>) => ({
  spec: {
    template: { spec: { containers: [{ name: 'istio-proxy', ports }] } },
  },
});

const facts = (
  svc: ReturnType<typeof service>,
  gw: ReturnType<typeof gateway>,
) => ({ serviceObject: svc, gatewayObject: gw });

describe('the target gateway takes every port of the Service', () => {
  it('passes numeric target ports the gateway does not declare, as Istio gateway pods are (Envoy listens on them from Gateway resources)', () => {
    const check = targetPortsCheck(
      'istio-ingressgateway-1-29-1',
      'istio-ingressgateway',
      facts(
        service([
          { port: 15021, targetPort: 15021 },
          { port: 80, targetPort: 80 },
          { port: 443 },
        ]),
        gateway([{ containerPort: 15090, name: 'http-envoy-prom' }]),
      ),
    );
    expect(check).toMatchObject({ id: 'target-ports', status: 'pass' });
  });

  it('fails a named target port no container port of the gateway names', () => {
    const check = targetPortsCheck(
      'istio-ingressgateway-1-29-1',
      'istio-ingressgateway',
      facts(
        service([
          { port: 80, targetPort: 'http2' },
          { port: 443, targetPort: 'https' },
        ]),
        gateway([{ containerPort: 8080, name: 'http2' }]),
      ),
    );
    expect(check).toMatchObject({ status: 'fail' });
    expect(check.message).toMatch(/https \(for 443\)/);
    expect(check.message).not.toMatch(/http2/);
  });
});
