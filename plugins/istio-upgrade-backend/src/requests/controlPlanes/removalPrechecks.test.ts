import {
  clusterInventory,
  controlPlane,
  gatewayApiGateway,
  namespaceInventory,
  workload,
} from '../planning/__testUtils__/inventoryFixtures';
import { removalBlockers, standbyGatewaysOf } from './removalPrechecks';

const gateway = (name: string, revision: string, services: string[] = []) => ({
  namespace: 'istio-gateways',
  name,
  revision,
  workloadKind: 'Deployment' as const,
  labels: { istio: 'ingressgateway' },
  replicas: 2,
  readyReplicas: 2,
  ready: true,
  services,
});

const blueGreen = (old: { pods: number }) =>
  clusterInventory({
    controlPlanes: [
      controlPlane('1-28-3', '1.28.3', { isDefault: true, tags: ['default'] }),
      controlPlane('1-29-1', '1.29.1', {
        inUse: { pods: old.pods, namespaces: 0, tags: 0, gateways: 1 },
      }),
    ],
    gateways: [
      gateway('gw-1-28-3', '1-28-3', ['istio-gateways/ingress']),
      gateway('gw-1-29-1', '1-29-1'),
    ],
    gatewayServices: [
      {
        namespace: 'istio-gateways',
        name: 'ingress',
        selector: { istio: 'ingressgateway', version: '1-28-3' },
        ports: [{ port: 80 }],
        live: { namespace: 'istio-gateways', name: 'gw-1-28-3' },
        standby: [
          { namespace: 'istio-gateways', name: 'gw-1-29-1', ready: true },
        ],
      },
    ],
    workloads: [workload('istio-gateways', 'gw-1-29-1', '1-29-1', { pods: 2 })],
  });

describe('removalBlockers', () => {
  it('lets a revision go with its standby gateway when nothing else uses it', () => {
    const inventory = blueGreen({ pods: 2 });
    expect(removalBlockers(inventory, '1-29-1', [])).toEqual([]);
    expect(standbyGatewaysOf(inventory, '1-29-1').map(g => g.name)).toEqual([
      'gw-1-29-1',
    ]);
  });

  it('names every use: default, tags, namespaces, pods, live gateways, Gateway API gateways, pins, requests', () => {
    const inventory = blueGreen({ pods: 5 });
    inventory.namespaces.push(namespaceInventory('shop', '1-29-1', '1.29.1'));
    inventory.gatewayApiGateways = [gatewayApiGateway('web', 'web', '1-29-1')];
    inventory.workloads.push(
      workload('batch', 'job', '1-29-1', {
        podLabels: { app: 'job', 'istio.io/rev': '1-29-1' },
      }),
    );
    expect(
      removalBlockers(inventory, '1-29-1', [
        {
          id: 'r1',
          type: 'namespace-migration',
          revision: '1-28-3',
          fromRevision: '1-29-1',
        },
      ]),
    ).toEqual([
      'namespace shop asks for it: migrate them first',
      '3 pods still run its sidecar',
      'Gateway web/web still runs it: cut over or move it first',
      'Deployment batch/job pins it in the pod template',
      'request r1 (namespace-migration) is active on it',
    ]);
    expect(removalBlockers(inventory, '1-28-3', [])).toEqual(
      expect.arrayContaining([
        'it is the default revision',
        'tag default points at it: move the tag first',
        'istio-gateways/gw-1-28-3 (live for istio-gateways/ingress) still runs it: cut over or move it first',
      ]),
    );
    expect(removalBlockers(inventory, 'nope', [])).toEqual([
      'cluster c1 has no revision nope',
    ]);
  });
});
