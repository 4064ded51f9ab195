import {
  ClusterInventory,
  Gateway,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { findCutoverTarget, planGatewayCutover } from './planGatewayCutover';

function gateway(
  name: string,
  revision: string,
  labels: Record<string, string>,
  extra: Partial<Gateway> = {},
): Gateway {
  return {
    namespace: 'istio-gateways',
    name,
    revision,
    labels: { ...labels, version: revision },
    replicas: 2,
    readyReplicas: 2,
    ready: true,
    services: [],
    ...extra,
  };
}

const ingress = { app: 'istio-ingressgateway', istio: 'ingressgateway' };

function inventoryWith(gateways: Gateway[]): ClusterInventory {
  return {
    cluster: {
      name: 'c1',
      entityRef: 'resource:default/c1',
      status: 'ready',
      sync: { state: 'synced', complete: true },
    },
    controlPlanes: [],
    tags: [],
    gateways,
    gatewayServices: [
      {
        namespace: 'istio-gateways',
        name: 'istio-ingressgateway',
        selector: { istio: 'ingressgateway', version: '1-28-3' },
        live: { namespace: 'istio-gateways', name: 'ingress-1-28-3' },
        liveRevision: '1-28-3',
        readyEndpoints: 2,
        standby: [],
        resourceVersion: '9',
        ports: [{ name: 'http2', port: 80 }],
      },
    ],
    namespaces: [],
    workloads: [],
    warnings: [],
    totals: { namespaces: 0, pods: 0, injectedPods: 0, podsNeedingRestart: 0 },
  };
}

const input = {
  namespace: 'istio-gateways',
  service: 'istio-ingressgateway',
  revision: '1-29-1',
};

describe('the cutover target: the gateway the selector selects once only its version changes', () => {
  it('matches every other key of the selector by its value, not by its name alone', () => {
    const inventory = inventoryWith([
      gateway('ingress-1-28-3', '1-28-3', ingress, { services: ['x'] }),
      gateway('ingress-1-29-1', '1-29-1', ingress),
      gateway('internal-1-29-1', '1-29-1', {
        app: 'internal',
        istio: 'internalgateway',
      }),
    ]);
    const target = findCutoverTarget(inventory, input);
    expect(target.gateway.name).toBe('ingress-1-29-1');
    expect(target.toSelector).toEqual({
      istio: 'ingressgateway',
      version: '1-29-1',
    });
    expect(planGatewayCutover(inventory, input).patches[0].patch).toMatchObject(
      {
        spec: { selector: { istio: 'ingressgateway', version: '1-29-1' } },
      },
    );
  });

  it('never targets an egress gateway, and says why it was left out', () => {
    const inventory = inventoryWith([
      gateway('ingress-1-28-3', '1-28-3', ingress, { services: ['x'] }),
      gateway(
        'istio-egressgateway',
        '1-29-1',
        { app: 'istio-egressgateway', istio: 'ingressgateway' },
        { direction: 'egress' },
      ),
    ]);
    expect(() => findCutoverTarget(inventory, input)).toThrow(
      /istio-egressgateway is an egress gateway/,
    );
  });

  it('names the labels that keep a gateway of the revision from taking over', () => {
    const inventory = inventoryWith([
      gateway('ingress-1-28-3', '1-28-3', ingress, { services: ['x'] }),
      gateway('internal-1-29-1', '1-29-1', {
        app: 'internal',
        istio: 'internalgateway',
      }),
    ]);
    expect(() => findCutoverTarget(inventory, input)).toThrow(
      "No gateway of revision 1-29-1 in namespace istio-gateways is selected by istio-ingressgateway once only its version changes: internal-1-29-1's pods differ from the selector on istio=internalgateway (not ingressgateway); only version or istio.io/rev may change",
    );
  });
});
