import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  ALICE,
  credentialsOf,
  MALLORY,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';
import { MAX_NAMESPACES } from './clusterInventorySummary';

jest.setTimeout(120_000);

describe('get-istio-cluster-inventory', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  beforeAll(async () => {
    // The seed lab, and a generated cluster of 46 namespaces to show the caps.
    backend = await startActionsTestBackend({
      scenarios: ['seed', 'fleet:1x2300'],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a read-only, idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'get-istio-cluster-inventory',
    );
    expect(action.attributes).toEqual({
      readOnly: true,
      idempotent: true,
      destructive: false,
    });
    expect(options.visibilityPermission).toBe(istioInventoryReadPermission);
    expect(action.schema.input).toMatchObject({ required: ['cluster'] });
    expect(undescribedFields(action.schema.input)).toEqual([]);
    expect(undescribedFields(action.schema.output)).toEqual([]);
  });

  it("describes a cluster's control planes, tags, gateway colours and namespaces", async () => {
    const seed = await backend.invoke(
      'get-istio-cluster-inventory',
      { cluster: 'seed' },
      credentialsOf(MCP_SERVICE),
    );
    expect(seed.cluster).toMatchObject({ name: 'seed', complete: true });
    const old = seed.controlPlanes.find((cp: any) => cp.revision === '1-9-7');
    expect(old).toMatchObject({
      version: '1.9.7',
      ready: true,
      isDefault: true,
      safeToRemove: false,
    });
    expect(old.notRemovableBecause.length).toBeGreaterThan(0);
    // The seed lab has no Gateway API gateways.
    expect(seed.gatewayApiGateways).toEqual([]);
    expect(seed.gatewayApiGatewaysOmitted).toBe(0);
    expect(seed.gatewayServices).toEqual([
      expect.objectContaining({
        namespace: 'istio-gateways',
        name: 'istio-ingressgateway',
        liveRevision: '1-9-7',
        standby: [expect.objectContaining({ revision: '1-10-4' })],
      }),
    ]);
    expect(seed.namespaces.map((n: any) => n.name)).toEqual(
      expect.arrayContaining(['bookinfo', 'nginx']),
    );
    expect(seed.workloads).toBeUndefined();
    expect(seed.namespacesOmitted).toBe(0);
  });

  it("lists one namespace's workloads when asked for it", async () => {
    const bookinfo = await backend.invoke(
      'get-istio-cluster-inventory',
      { cluster: 'seed', namespace: 'bookinfo' },
      credentialsOf(ALICE),
    );
    expect(bookinfo.namespaces).toEqual([
      expect.objectContaining({ name: 'bookinfo', injectionMode: 'legacy' }),
    ]);
    expect(bookinfo.workloads.map((w: any) => w.name).sort()).toEqual([
      'details-v1',
      'productpage-v1',
      'ratings-v1',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
    expect(bookinfo.workloads[0].podsByRevision).toEqual([
      { revision: '1-9-7', version: '1.9.7', pods: 1 },
    ]);
  });

  it('caps a large cluster to a short answer and says how much it left out', async () => {
    const fleet = await backend.invoke(
      'get-istio-cluster-inventory',
      { cluster: 'fleet-001' },
      credentialsOf(ALICE),
    );
    expect(fleet.totals.namespaces).toBeGreaterThan(MAX_NAMESPACES);
    expect(fleet.namespaces).toHaveLength(MAX_NAMESPACES);
    expect(fleet.namespacesOmitted).toBe(
      fleet.totals.namespaces - MAX_NAMESPACES,
    );
    const neediest = fleet.namespaces.map((n: any) => n.podsNeedingRestart);
    expect(neediest).toEqual([...neediest].sort((a, b) => b - a));
    expect(JSON.stringify(fleet).length).toBeLessThan(40_000);
  });

  it('answers NotFoundError for a namespace or cluster that does not exist', async () => {
    await expect(
      backend.invoke(
        'get-istio-cluster-inventory',
        { cluster: 'seed', namespace: 'payments' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      backend.invoke(
        'get-istio-cluster-inventory',
        { cluster: 'prod-mars' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses a caller who may not read the inventory, and a namespace name Kubernetes would refuse', async () => {
    await expect(
      backend.invoke(
        'get-istio-cluster-inventory',
        { cluster: 'seed' },
        credentialsOf(MALLORY),
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      backend.invoke(
        'get-istio-cluster-inventory',
        { cluster: 'seed', namespace: 'Bookinfo;rm -rf' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});
