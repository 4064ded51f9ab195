import { describeTarget } from './requestStates';

describe('describeTarget', () => {
  it('names a gateway move by its Gateway', () => {
    expect(
      describeTarget({
        type: 'gateway-move',
        target: { namespace: 'ingress', gateway: 'web' },
      }),
    ).toBe('Gateway ingress/web');
  });

  it('names the other types by their namespace, Service or tag', () => {
    expect(
      describeTarget({
        type: 'namespace-migration',
        target: { namespace: 'bookinfo' },
      }),
    ).toBe('namespace bookinfo');
    expect(
      describeTarget({
        type: 'gateway-cutover',
        target: { namespace: 'istio-gateways', service: 'ingress' },
      }),
    ).toBe('Service istio-gateways/ingress');
    expect(
      describeTarget({ type: 'revision-tag-move', target: { tag: 'stable' } }),
    ).toBe('tag stable');
  });
});
