import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';

jest.setTimeout(240_000);

/** A scenario file of the simulator's `scenarios` folder (data, not code: docs/architecture.md#the-mesh-simulator). */
const simulatorScenario = (file: string) =>
  resolvePackagePath(
    '@istio-upgrade/backstage-plugin-istio-upgrade-backend',
    '../../packages/mesh-simulator/scenarios',
    file,
  );

/**
 * Shapes of real meshes that the seed lab lacks, served by the simulator: gateways of every kind
 * (scenario gateway-kinds) and a cluster whose istiod runs outside it (scenario
 * external-control-plane).
 */
describe('the inventory and the cutover on gateways of every kind and on a remote cluster', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const get = (path: string) =>
    request(backend.server)
      .get(`/api/istio-upgrade${path}`)
      .set('Authorization', mockCredentials.user.header('user:default/alice'));

  const inventoryOf = (cluster: string) =>
    eventually(async () => {
      const res = await get(`/clusters/${cluster}/inventory`);
      return res.body?.cluster?.sync?.complete ? res.body : undefined;
    });

  const cutoverPrechecks = (revision: string) =>
    get(
      `/clusters/gateway-kinds/prechecks?type=gateway-cutover&revision=${revision}&namespace=istio-gateways&service=istio-ingressgateway`,
    );

  beforeAll(async () => {
    simulator = await startMeshSimulator({
      scenarios: [
        simulatorScenario('gateway-kinds.yaml'),
        simulatorScenario('external-control-plane.yaml'),
      ],
      speed: 20,
    });
    backend = await startInventoryTestBackend(simulator, { token: 'admin' });
    await eventually(async () => {
      const inventory = await inventoryOf('gateway-kinds');
      // Every gateway pod injected and counted: the DaemonSet's two, one of each other gateway.
      return (
        inventory.controlPlanes.find((cp: any) => cp.revision === '1-28-3')
          ?.inUse.pods === 6
      );
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('recognises each gateway for what it is: egress or ingress, how it is exposed, Deployment or DaemonSet', async () => {
    const inventory = await inventoryOf('gateway-kinds');
    expect(
      inventory.gateways.map((g: any) =>
        [
          `${g.namespace}/${g.name}`,
          g.revision,
          g.direction,
          g.exposure,
          g.workloadKind,
        ].join(' '),
      ),
    ).toEqual([
      'edge/edge-gateway 1-28-3 ingress NodePort DaemonSet',
      'istio-gateways/ingress-nodeport-1-28-3 1-28-3 ingress NodePort Deployment',
      'istio-gateways/istio-egressgateway-1-28-3 1-28-3 egress ClusterIP Deployment',
      'istio-gateways/istio-ingressgateway-1-28-3 1-28-3 ingress ClusterIP Deployment',
      'istio-gateways/istio-ingressgateway-1-29-1 1-29-1 ingress LoadBalancer Deployment',
      'istio-system/istio-egressgateway 1-28-3 egress ClusterIP Deployment',
    ]);
    expect(inventory.gatewayServices).toEqual([
      expect.objectContaining({
        name: 'istio-ingressgateway',
        liveRevision: '1-29-1',
        standby: [
          expect.objectContaining({ name: 'istio-ingressgateway-1-28-3' }),
        ],
      }),
    ]);
  });

  it('keeps a revision that only gateways use from being removed, and names each gateway with its kind', async () => {
    const inventory = await inventoryOf('gateway-kinds');
    const old = inventory.controlPlanes.find(
      (cp: any) => cp.revision === '1-28-3',
    );
    expect(old).toMatchObject({
      safeToRemove: false,
      inUse: { namespaces: 0, tags: 0, gateways: 5 },
      notRemovableBecause: [
        '6 pods still run it',
        '5 gateways run it: edge/edge-gateway (ingress, DaemonSet, NodePort), istio-gateways/ingress-nodeport-1-28-3 (ingress, NodePort), istio-gateways/istio-egressgateway-1-28-3 (egress, ClusterIP), istio-gateways/istio-ingressgateway-1-28-3 (ingress, standby for LoadBalancer istio-ingressgateway), istio-system/istio-egressgateway (egress, ClusterIP)',
      ],
    });
    expect(
      inventory.warnings.filter((w: any) => w.code === 'revision-removable'),
    ).toEqual([]);
  });

  it("cuts over only to the gateway the Service's selector selects once its version changes, never to an egress gateway", async () => {
    const planned = await cutoverPrechecks('1-28-3');
    expect(planned.status).toBe(200);
    expect(planned.body.plan.patches[0].patch.spec.selector).toEqual({
      istio: 'ingressgateway',
      version: '1-28-3',
    });
    expect(
      planned.body.prechecks.checks.find((c: any) => c.id === 'target-gateway'),
    ).toEqual({
      id: 'target-gateway',
      status: 'pass',
      message: 'Gateway istio-ingressgateway-1-28-3 runs revision 1-28-3',
    });

    // Without the blue gateway, the egress and the NodePort gateways of 1-28-3 are left: neither
    // may take the LoadBalancer's traffic, and the precheck says why.
    await simulator.kubectl([
      'delete',
      'deployment',
      'istio-ingressgateway-1-28-3',
      '-n',
      'istio-gateways',
      '--wait=false',
    ]);
    const refused = await eventually(async () => {
      const res = await cutoverPrechecks('1-28-3');
      return res.status === 400 ? res.body.error : undefined;
    });
    expect(refused.name).toBe('InputError');
    expect(refused.message).toBe(
      "No gateway of revision 1-28-3 in namespace istio-gateways is selected by istio-ingressgateway once only its version changes: ingress-nodeport-1-28-3's pods differ from the selector on istio=nodeportgateway (not ingressgateway); only version or istio.io/rev may change; istio-egressgateway-1-28-3 is an egress gateway: it carries traffic out of the mesh and never takes a LoadBalancer Service's traffic",
    );
  });

  it('reports no detached proxies on a cluster whose istiod runs outside it, and names the external control planes', async () => {
    const inventory = await inventoryOf('remote');
    expect(inventory.controlPlanes).toEqual([]);
    const codes = inventory.warnings.map((w: any) => w.code);
    expect(codes).not.toContain('proxy-detached');
    expect(codes).not.toContain('namespace-revision-missing');
    expect(codes).not.toContain('tag-missing-revision');
    expect(
      inventory.warnings
        .filter((w: any) => w.code === 'control-plane-external')
        .map((w: any) => w.message),
    ).toEqual([
      'Revision 1-29-1 is served by a control plane outside the cluster (https://istiod-1-29-1.mesh-control.example:15017/inject/cluster/remote/net/network1); 1 pod runs it',
      'Revision default is served by a control plane outside the cluster (https://istiod.mesh-control.example:15017/inject/cluster/remote/net/network1); 2 pods run it',
    ]);
    const namespaces = Object.fromEntries(
      inventory.namespaces.map((n: any) => [n.name, n]),
    );
    expect(namespaces.shop).toMatchObject({
      desiredRevision: 'default',
      podsByRevision: [{ revision: 'default', count: 2 }],
      podsNeedingRestart: 0,
    });
    expect(namespaces.payments).toMatchObject({
      tag: 'canary',
      desiredRevision: '1-29-1',
      podsNeedingRestart: 0,
    });

    const fleet = await get('/fleet');
    expect(
      fleet.body.warnings.filter(
        (w: any) => w.cluster === 'remote' && w.code === 'proxy-detached',
      ),
    ).toEqual([]);
  });
});
