import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  ALICE,
  APP_BASE_URL,
  credentialsOf,
  DAVE,
  MALLORY,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';

jest.setTimeout(120_000);

describe('get-istio-campaign-status', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  const status = (input: { id?: string }, who = DAVE) =>
    backend.invoke('get-istio-campaign-status', input, credentialsOf(who));

  // The demo fleet: prod-us runs default-v1-31-0 beside default-v1-30-4.
  beforeAll(async () => {
    backend = await startActionsTestBackend({ scenarios: ['demo'] });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a read-only, idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'get-istio-campaign-status',
    );
    expect(action.attributes).toEqual({
      readOnly: true,
      idempotent: true,
      destructive: false,
    });
    expect(options.visibilityPermission).toBe(istioInventoryReadPermission);
    expect(undescribedFields(action.schema.input)).toEqual([]);
    expect(undescribedFields(action.schema.output)).toEqual([]);
  });

  it('lists no campaign before one is asked for', async () => {
    expect(await status({})).toEqual({ campaigns: [], campaignsOmitted: 0 });
  });

  it('lists an active campaign in short form to any reader, and reads it whole', async () => {
    const { campaign: created } = await backend.invoke(
      'request-istio-campaign',
      {
        name: 'prod-us to 1.31.0',
        targetVersion: '1.31.0',
        rings: [{ name: 'prod', clusters: ['prod-us'] }],
      },
      credentialsOf(ALICE),
    );
    const link = `${APP_BASE_URL}/istio-upgrade?tab=campaigns&campaign=${created.id}`;

    // Services read campaigns too (an untrusted one may not ask for them).
    for (const who of [DAVE, MCP_SERVICE]) {
      const listed = await status({}, who);
      expect(listed.campaignsOmitted).toBe(0);
      expect(listed.campaigns).toEqual([
        {
          id: created.id,
          name: 'prod-us to 1.31.0',
          state: 'pending-approval',
          targetVersion: '1.31.0',
          requestedBy: ALICE,
          requestedAt: created.requestedAt,
          rings: 1,
          progress: {
            clusters: 1,
            clustersDone: 0,
            wavesDone: 0,
            wavesTotal: expect.any(Number),
            podsOnTarget: expect.any(Number),
            podsInScope: expect.any(Number),
          },
          // Dave and the service may not manage campaigns.
          allowedActions: [],
          link,
        },
      ]);
      expect(listed.campaigns[0].progress.wavesTotal).toBeGreaterThan(0);
    }

    const { campaign } = await status({ id: created.id });
    expect(campaign).toMatchObject({
      id: created.id,
      state: 'pending-approval',
      requestedBy: ALICE,
      progress: { clusters: 1, clustersDone: 0, wavesDone: 0 },
      rings: [
        {
          name: 'prod',
          state: 'pending',
          clusterCount: 1,
          clusterStates: { pending: 1 },
          clusters: [
            {
              cluster: 'prod-us',
              state: 'pending',
              revision: 'default-v1-31-0',
              fromRevisions: expect.arrayContaining(['default-v1-30-4']),
              wavesDone: 0,
              gated: false,
            },
          ],
          clustersOmitted: 0,
        },
      ],
      clustersOmitted: 0,
      warnings: expect.arrayContaining([
        expect.stringMatching(/prod-us.*not gated/),
      ]),
      events: [
        expect.objectContaining({
          type: 'created',
          message: expect.stringContaining('waits for a platform approver'),
        }),
      ],
      eventsOmitted: 0,
      allowedActions: [],
      link,
      next: expect.stringMatching(/platform approver/),
    });
    expect(campaign).not.toHaveProperty('currentRing');
    expect(campaign.rings[0].clusters[0]).not.toHaveProperty('lastGate');

    // The requester may not approve or reject their own campaign.
    expect(
      (await status({ id: created.id }, ALICE)).campaign.allowedActions,
    ).toEqual([]);
  });

  it('answers NotFoundError for an unknown id and InputError for something that is not an id', async () => {
    await expect(
      status({ id: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(status({ id: '../../etc/passwd' })).rejects.toMatchObject({
      name: 'InputError',
    });
  });

  it('refuses a caller who may not read the inventory', async () => {
    await expect(status({}, MALLORY)).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
  });
});
