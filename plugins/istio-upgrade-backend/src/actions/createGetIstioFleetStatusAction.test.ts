import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  ALICE,
  credentialsOf,
  MALLORY,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';

jest.setTimeout(120_000);

describe('get-istio-fleet-status', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  beforeAll(async () => {
    backend = await startActionsTestBackend();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a read-only, idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'get-istio-fleet-status',
    );
    expect(action.attributes).toEqual({
      readOnly: true,
      idempotent: true,
      destructive: false,
    });
    expect(options.visibilityPermission).toBe(istioInventoryReadPermission);
    expect(action.description).toMatch(/Use it first/);
    expect(undescribedFields(action.schema.input)).toEqual([]);
    expect(undescribedFields(action.schema.output)).toEqual([]);
    expect(options.examples?.length).toBeGreaterThan(0);
  });

  it("summarizes every cluster's revisions with versions, use and support", async () => {
    const fleet = await backend.invoke(
      'get-istio-fleet-status',
      {},
      credentialsOf(ALICE),
    );
    expect(fleet.clusters).toHaveLength(1);
    const [seed] = fleet.clusters;
    expect(seed).toMatchObject({
      name: 'seed',
      status: 'ready',
      complete: true,
      newestVersion: '1.10.4',
    });
    const revisions = Object.fromEntries(
      seed.revisions.map((r: any) => [r.revision, r]),
    );
    expect(revisions['1-9-7']).toMatchObject({
      version: '1.9.7',
      safeToRemove: false,
      support: { status: 'end-of-life' },
    });
    expect(revisions['1-9-7'].pods).toBeGreaterThan(0);
    expect(revisions['1-10-4']).toMatchObject({ version: '1.10.4' });
    expect(fleet.clustersOmitted).toBe(0);
    expect(fleet.warnings).toContainEqual(
      expect.objectContaining({
        code: 'end-of-life',
        cluster: 'seed',
        subject: 'ControlPlane 1-9-7',
      }),
    );
  });

  it('answers a service principal, as MCP clients are', async () => {
    const fleet = await backend.invoke(
      'get-istio-fleet-status',
      { cluster: 'seed' },
      credentialsOf(MCP_SERVICE),
    );
    expect(fleet.clusters.map((c: any) => c.name)).toEqual(['seed']);
  });

  it('refuses a caller who may not read the inventory', async () => {
    await expect(
      backend.invoke('get-istio-fleet-status', {}, credentialsOf(MALLORY)),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('says which clusters exist when asked for one the catalog does not have', async () => {
    await expect(
      backend.invoke(
        'get-istio-fleet-status',
        { cluster: 'prod-mars' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('the fleet has seed'),
    });
  });

  it('refuses a URL as a cluster name before reading anything', async () => {
    await expect(
      backend.invoke(
        'get-istio-fleet-status',
        { cluster: 'https://evil.example.com' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});
