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

// prod-eu (demo fleet, Sail): default-v1-30-1 carries the default and prod tags, the live ingress
// gateway and pods; nothing may remove it.
const IN_USE = { cluster: 'prod-eu', revision: 'default-v1-30-1' };

describe('request-control-plane-removal', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  beforeAll(async () => {
    backend = await startActionsTestBackend({ scenarios: ['demo'] });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  /** The control-plane requests stored for prod-eu, read through the REST API. */
  const storedRemovals = async () => {
    const answer = await supertest(backend.server)
      .get('/api/istio-upgrade/requests?cluster=prod-eu')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(answer.status).toBe(200);
    return answer.body.items.filter(
      (r: any) => r.type === 'control-plane-removal',
    );
  };

  it('is a destructive, non-idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'request-control-plane-removal',
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

  it('refuses a service principal: removals are asked for by people', async () => {
    await expect(
      backend.invoke(
        'request-control-plane-removal',
        IN_USE,
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
        'request-control-plane-removal',
        IN_USE,
        credentialsOf(DAVE),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('remove control planes'),
    });
  });

  it("answers the prechecks' reasons for a revision in use, and stores nothing", async () => {
    await expect(
      backend.invoke(
        'request-control-plane-removal',
        { ...IN_USE, comment: 'too early' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^Prechecks failed/),
    });
    expect(await storedRemovals()).toEqual([]);
    const revision = JSON.parse(
      await backend.simulator.kubectl([
        '--context',
        'prod-eu',
        'get',
        'istiorevision',
        'default-v1-30-1',
        '-o',
        'json',
      ]),
    );
    expect(revision.metadata.deletionTimestamp).toBeUndefined();
  });
});
