import { mockCredentials } from '@backstage/backend-test-utils';
import supertest from 'supertest';
import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  ALICE,
  credentialsOf,
  DAVE,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';

jest.setTimeout(120_000);

describe('request-control-plane-install', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  // The demo fleet (prod-eu and prod-us run Sail, a RevisionBased Istio `default`; staging istioctl)
  // and the real-cluster lab (Helm).
  beforeAll(async () => {
    backend = await startActionsTestBackend({
      scenarios: ['demo', 'real-lab'],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a destructive, non-idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'request-control-plane-install',
    );
    expect(action.attributes).toEqual({
      readOnly: false,
      idempotent: false,
      destructive: true,
    });
    expect(options.visibilityPermission).toBe(istioInventoryReadPermission);
    expect(undescribedFields(action.schema.input)).toEqual([]);
    expect(undescribedFields(action.schema.output)).toEqual([]);
  });

  it('refuses a service principal: installs are asked for by people', async () => {
    await expect(
      backend.invoke(
        'request-control-plane-install',
        { cluster: 'prod-eu', version: '1.31.0' },
        credentialsOf(MCP_SERVICE),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('must be asked by a person'),
    });
  });

  it('refuses a person without the control-plane permission', async () => {
    await expect(
      backend.invoke(
        'request-control-plane-install',
        { cluster: 'prod-eu', version: '1.31.0' },
        credentialsOf(DAVE),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('install control planes'),
    });
  });

  it("stores a platform engineer's install under Sail's revision name, waiting for approval, with the Istio resource untouched", async () => {
    const request = await backend.invoke(
      'request-control-plane-install',
      { cluster: 'prod-eu', version: '1.31.0', comment: '1.31 canary' },
      credentialsOf(ALICE),
    );
    expect(request).toMatchObject({
      type: 'control-plane-install',
      state: 'pending-approval',
      cluster: 'prod-eu',
      target: { version: '1.31.0' },
      revision: 'default-v1-31-0',
      requestedBy: ALICE,
      approvalRequired: true,
      approvalReason: expect.stringContaining('control-plane-install'),
      controlPlane: {
        installedBy: 'sail',
        mode: 'sail-istio-version',
        version: '1.31.0',
        sailResource: 'Istio/default',
      },
      notAllowedBecause: { approve: expect.stringMatching(/own request/) },
    });
    expect(request.next).toMatch(/waits for a person/);

    const read = await backend.invoke(
      'get-upgrade-request',
      { id: request.id },
      credentialsOf(ALICE),
    );
    expect(read).toMatchObject({
      type: 'control-plane-install',
      state: 'pending-approval',
      revision: 'default-v1-31-0',
      target: { version: '1.31.0' },
    });

    const istio = JSON.parse(
      await backend.simulator.kubectl([
        '--context',
        'prod-eu',
        'get',
        'istio',
        'default',
        '-o',
        'json',
      ]),
    );
    expect(istio.spec.version).toBe('v1.30.4');
  });

  it("names another patch of a minor the cluster runs after Sail's naming too", async () => {
    // prod-us runs 1.31.0 as default-v1-31-0; 1.31.2 gets default-v1-31-2.
    const request = await backend.invoke(
      'request-control-plane-install',
      { cluster: 'prod-us', version: '1.31.2' },
      credentialsOf(ALICE),
    );
    expect(request).toMatchObject({
      type: 'control-plane-install',
      state: 'pending-approval',
      revision: 'default-v1-31-2',
      target: { version: '1.31.2' },
    });
  });

  it('gives the commands people run on a cluster the product does not install on', async () => {
    // real-lab's control planes (1.28.3 and 1.29.1) were installed with Helm: the conventional name,
    // and the commands.
    const request = await backend.invoke(
      'request-control-plane-install',
      { cluster: 'real-lab', version: '1.30.0' },
      credentialsOf(ALICE),
    );
    expect(request).toMatchObject({
      type: 'control-plane-install',
      state: 'pending-approval',
      revision: '1-30-0',
      target: { version: '1.30.0' },
      controlPlane: { installedBy: 'helm', mode: 'manual' },
    });
    expect(request.controlPlane.commands.length).toBeGreaterThan(0);
    expect(request.controlPlane.commandsOmitted).toBe(0);
  });

  it("answers the prechecks' reasons when they fail, storing nothing", async () => {
    await expect(
      backend.invoke(
        'request-control-plane-install',
        { cluster: 'staging', version: '1.99.0', revision: '1-99-0' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^Prechecks failed/),
    });
    const stored = await supertest(backend.server)
      .get('/api/istio-upgrade/requests?cluster=staging')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(stored.status).toBe(200);
    expect(stored.body.items.map((r: any) => r.revision)).not.toContain(
      '1-99-0',
    );
  });
});
