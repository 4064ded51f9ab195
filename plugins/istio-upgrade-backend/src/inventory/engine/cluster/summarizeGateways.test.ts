import {
  JUNE_2021,
  W,
  build,
  gatewayKinds,
  lab,
  releases,
  warningsOf,
} from '../../../testing/__testUtils__/inventoryTestKit';
import {
  MeshSnapshot,
  testCluster,
} from '../../../testing/__testUtils__/MeshSnapshot';
import { buildClusterInventory } from '..';

describe('gateways and the LoadBalancer Services in front of them', () => {
  const inventory = build(lab());

  it('finds the gateways with their revision, version, readiness and live Services', () => {
    expect(
      inventory.gateways.map(g => [
        g.name,
        g.revision,
        g.version,
        g.ready,
        g.services,
      ]),
    ).toEqual([
      ['ingressgateway-1-10-4', '1-10-4', '1.10.4', true, []],
      ['ingressgateway-1-9-7', '1-9-7', '1.9.7', true, ['ingress']],
    ]);
  });

  it('tells which gateway colour a LoadBalancer Service sends traffic to and which stands by', () => {
    expect(inventory.gatewayServices).toEqual([
      {
        namespace: 'istio-ingress',
        name: 'ingress',
        selector: { istio: 'ingressgateway', version: '1-9-7' },
        live: { namespace: 'istio-ingress', name: 'ingressgateway-1-9-7' },
        liveRevision: '1-9-7',
        readyEndpoints: 2,
        standby: [
          {
            namespace: 'istio-ingress',
            name: 'ingressgateway-1-10-4',
            ready: true,
            revision: '1-10-4',
            version: '1.10.4',
          },
        ],
        resourceVersion: '42',
        ports: [
          { name: 'p80', port: 80, protocol: 'TCP' },
          { name: 'p443', port: 443, protocol: 'TCP' },
        ],
        externalAddress: '203.0.113.10',
      },
    ]);
  });

  it(`reports ${W.gatewayServiceNoReadyPod} when the live gateway has no ready pod`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .namespace('istio-ingress')
      .gateway('istio-ingress', 'gw-blue', '1-10-4', {
        replicas: 2,
        readyReplicas: 0,
      })
      .loadBalancer('istio-ingress', 'ingress', {
        istio: 'ingressgateway',
        version: '1-10-4',
      });
    const result = build(mesh);
    expect(warningsOf(result, W.gatewayServiceNoReadyPod)).toMatchObject([
      {
        severity: 'error',
        subject: {
          kind: 'Service',
          namespace: 'istio-ingress',
          name: 'ingress',
        },
        message:
          'LoadBalancer Service istio-ingress/ingress selects gateway gw-blue, which has no ready pod; its traffic is dropped',
      },
    ]);
    expect(result.gatewayServices[0].readyEndpoints).toBe(0);
  });

  it(`reports ${W.gatewayServiceNoReadyPod} when a Service was cut over to a gateway that is gone`, () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-10-4', '1.10.4')
      .namespace('istio-ingress')
      .gateway('istio-ingress', 'gw-blue', '1-10-4')
      .loadBalancer('istio-ingress', 'ingress', {
        istio: 'ingressgateway',
        version: '1-11-0',
      });
    const result = build(mesh);
    expect(result.gatewayServices[0]).toMatchObject({
      readyEndpoints: 0,
      standby: [{ name: 'gw-blue', ready: true, revision: '1-10-4' }],
    });
    expect(result.gatewayServices[0]).not.toHaveProperty('live');
    expect(warningsOf(result, W.gatewayServiceNoReadyPod)[0].message).toBe(
      'LoadBalancer Service istio-ingress/ingress selects no gateway; its traffic is dropped',
    );
  });

  it('keeps a revision in use while a standby gateway (after a cutover) runs it, and names the gateway', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .tag('default', '1-10-4')
      .gateway('istio-ingress', 'ingressgateway-1-9-7', '1-9-7', {
        replicas: 2,
      })
      .gateway('istio-ingress', 'ingressgateway-1-10-4', '1-10-4', {
        replicas: 2,
      })
      .loadBalancer('istio-ingress', 'ingressgateway', {
        istio: 'ingressgateway',
        version: '1-10-4',
      });
    const result = build(mesh);
    expect(
      result.controlPlanes.find(cp => cp.revision === '1-9-7'),
    ).toMatchObject({
      safeToRemove: false,
      notRemovableBecause: [
        '2 pods still run it',
        '1 gateway runs it: istio-ingress/ingressgateway-1-9-7 (ingress, standby for LoadBalancer ingressgateway)',
      ],
      inUse: { pods: 2, gateways: 1 },
    });
    expect(
      result.controlPlanes.find(cp => cp.revision === '1-10-4'),
    ).toMatchObject({
      safeToRemove: false,
      notRemovableBecause: [
        '2 pods still run it',
        'tag points at it: default',
        '1 gateway runs it: istio-ingress/ingressgateway-1-10-4 (ingress, live behind LoadBalancer ingressgateway)',
        'it is the default revision',
      ],
    });
    expect(warningsOf(result, W.revisionRemovable)).toEqual([]);
  });

  it('recognises each gateway for what it is: direction, exposure and workload kind', () => {
    // The backend hands its records over as iterators, read once.
    const snapshot = gatewayKinds().snapshot();
    const result = buildClusterInventory(
      testCluster(),
      { ...snapshot, services: [...snapshot.services].values() },
      { releases, now: JUNE_2021 },
    );
    expect(
      result.gateways.map(g => [
        `${g.namespace}/${g.name}`,
        g.revision,
        g.direction,
        g.exposure,
        g.workloadKind,
      ]),
    ).toEqual([
      ['edge/edge-gateway', '1-9-7', 'ingress', 'ClusterIP', 'DaemonSet'],
      [
        'istio-ingress/ingress-nodeport',
        '1-9-7',
        'ingress',
        'NodePort',
        'Deployment',
      ],
      [
        'istio-system/istio-egressgateway',
        '1-9-7',
        'egress',
        'ClusterIP',
        'Deployment',
      ],
      ['partners/partner-proxy', '1-9-7', 'ingress', undefined, 'Deployment'],
    ]);
  });

  it('keeps a revision in use while only gateways of any kind run it, and names each with its kind', () => {
    const result = build(gatewayKinds());
    const old = result.controlPlanes.find(cp => cp.revision === '1-9-7')!;
    expect(old.safeToRemove).toBe(false);
    expect(old.inUse.gateways).toBe(4);
    expect(old.notRemovableBecause).toEqual([
      '4 pods still run it',
      'tag points at it: legacy',
      '4 gateways run it: edge/edge-gateway (ingress, DaemonSet, ClusterIP), istio-ingress/ingress-nodeport (ingress, NodePort), istio-system/istio-egressgateway (egress, ClusterIP), partners/partner-proxy (ingress, no Service)',
    ]);
    expect(
      warningsOf(result, W.revisionRemovable).map(w => w.subject.name),
    ).toEqual([]);
  });

  it('offers as standby only the gateways the selector selects once its version changes: every other key and value matches, never an egress gateway', () => {
    const mesh = new MeshSnapshot()
      .controlPlane('1-9-7', '1.9.7')
      .controlPlane('1-10-4', '1.10.4')
      .gateway('istio-ingress', 'ingressgateway-1-9-7', '1-9-7')
      .gateway('istio-ingress', 'ingressgateway-1-10-4', '1-10-4')
      // Carries the selector's keys, but another value of `istio`.
      .gateway('istio-ingress', 'internal-1-10-4', '1-10-4', {
        labels: { istio: 'internalgateway' },
      })
      // Carries the selector's values but no `version` at all: no version value selects it.
      .deployment('istio-ingress', 'unversioned', {
        podLabels: { istio: 'ingressgateway', 'istio.io/rev': '1-10-4' },
        podAnnotations: { 'inject.istio.io/templates': 'gateway' },
      })
      .pods('istio-ingress', 'unversioned', 1, {
        revision: '1-10-4',
        labels: { istio: 'ingressgateway', 'istio.io/rev': '1-10-4' },
      })
      .gateway('istio-ingress', 'istio-egressgateway-1-10-4', '1-10-4', {
        labels: { app: 'istio-egressgateway' },
      })
      .loadBalancer('istio-ingress', 'ingress', {
        istio: 'ingressgateway',
        version: '1-9-7',
      });
    const [service] = build(mesh).gatewayServices;
    expect(service.live?.name).toBe('ingressgateway-1-9-7');
    expect(service.standby.map(s => s.name)).toEqual(['ingressgateway-1-10-4']);
  });
});
