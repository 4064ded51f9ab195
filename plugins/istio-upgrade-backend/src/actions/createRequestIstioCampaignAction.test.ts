import { mockCredentials } from '@backstage/backend-test-utils';
import supertest from 'supertest';
import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  ALICE,
  APP_BASE_URL,
  credentialsOf,
  DAVE,
  eventually,
  MCP_SERVICE,
  startActionsTestBackend,
} from './__testUtils__/actionsTestBackend';
import { published, undescribedFields } from './__testUtils__/actionContract';
import { campaignBody } from './createRequestIstioCampaignAction';

jest.setTimeout(300_000);

/** A service the platform does not trust for changes. */
const UNTRUSTED_SERVICE = 'external:nightly-bot';

/** One ring, prod-eu (Sail, default-v1-30-1 beside default-v1-30-4), to 1.30.4, with no waiting. */
const PROD_EU = {
  name: 'prod-eu to 1.30.4',
  targetVersion: '1.30.4',
  rings: [{ name: 'canary', clusters: ['prod-eu'] }],
  namespacesPerWave: 3,
  soakSeconds: 0,
  notifyAheadSeconds: 0,
};

describe('campaignBody', () => {
  it('gives the REST body, with only what was asked', () => {
    expect(
      campaignBody({
        name: 'x',
        targetVersion: '1.30.4',
        rings: [
          { name: 'a', clusters: ['prod-eu'] },
          { name: 'b', labels: { env: 'prod' } },
        ],
      }),
    ).toEqual({
      name: 'x',
      targetVersion: '1.30.4',
      rings: [
        { name: 'a', clusters: ['prod-eu'] },
        { name: 'b', labels: { env: 'prod' } },
      ],
    });
    expect(
      campaignBody({
        name: 'x',
        targetVersion: '1.30.4',
        rings: [{ name: 'a', owner: 'group:default/platform' }],
        revisions: { 'prod-eu': 'default-v1-30-4' },
        namespacesPerWave: 2,
        excludeNamespaces: ['logging'],
        tagMove: false,
        soakSeconds: 60,
        maxP99IncreasePercent: 10,
        comment: 'why',
      }),
    ).toEqual({
      name: 'x',
      targetVersion: '1.30.4',
      rings: [{ name: 'a', owner: 'group:default/platform' }],
      revisions: { 'prod-eu': 'default-v1-30-4' },
      waves: { namespacesPerWave: 2, exclude: ['logging'] },
      steps: { tagMove: false },
      soakSeconds: 60,
      gate: { maxP99IncreasePercent: 10 },
      comment: 'why',
    });
  });
});

describe('request-istio-campaign', () => {
  let backend: Awaited<ReturnType<typeof startActionsTestBackend>>;

  const status = (input: { id?: string }) =>
    backend.invoke('get-istio-campaign-status', input, credentialsOf(ALICE));

  beforeAll(async () => {
    backend = await startActionsTestBackend({
      scenarios: ['demo'],
      trustedServices: [MCP_SERVICE],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('is a destructive, non-idempotent action behind the read permission, with every field described', async () => {
    const { action, options } = await published(
      backend.registry,
      'request-istio-campaign',
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

  it('refuses an untrusted service and a person who may not manage campaigns, dry run or not', async () => {
    for (const dryRun of [true, false]) {
      await expect(
        backend.invoke(
          'request-istio-campaign',
          { ...PROD_EU, dryRun },
          credentialsOf(UNTRUSTED_SERVICE),
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('campaigns are steered by people'),
      });
      await expect(
        backend.invoke(
          'request-istio-campaign',
          { ...PROD_EU, dryRun },
          credentialsOf(DAVE),
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('may not manage campaigns'),
      });
    }
  });

  it("passes the service's reasons on as they are, and stores nothing", async () => {
    const cases: Array<[object, RegExp]> = [
      [{ rings: [{ name: 'one', clusters: ['nowhere'] }] }, /nowhere/],
      [
        {
          rings: [
            { name: 'one', clusters: ['prod-eu'] },
            { name: 'two', clusters: ['prod-eu'] },
          ],
        },
        /prod-eu/,
      ],
      // 1.31.0 runs on prod-us only.
      [
        {
          targetVersion: '1.31.0',
          rings: [{ name: 'one', clusters: ['prod-eu'] }],
        },
        /prod-eu.*install it first/,
      ],
    ];
    for (const [change, reason] of cases) {
      for (const dryRun of [true, false]) {
        await expect(
          backend.invoke(
            'request-istio-campaign',
            { ...PROD_EU, ...change, dryRun },
            credentialsOf(ALICE),
          ),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(reason),
        });
      }
    }
    expect((await status({})).campaigns).toEqual([]);
  });

  it('plans a dry run per ring and cluster, and stores nothing', async () => {
    const answer = await backend.invoke(
      'request-istio-campaign',
      { ...PROD_EU, dryRun: true },
      credentialsOf(ALICE),
    );
    expect(answer.dryRun).toBe(true);
    expect(answer).not.toHaveProperty('campaign');
    expect(answer.next).toMatch(/nothing is stored/);
    const { plan } = answer;
    expect(plan).toMatchObject({
      targetVersion: '1.30.4',
      clusters: 1,
      clustersOmitted: 0,
      estimatedDuration: expect.any(String),
    });
    expect(plan.requests).toBeGreaterThan(2);
    expect(plan.rings).toHaveLength(1);
    const [cluster] = plan.rings[0].clusters;
    expect(cluster).toMatchObject({
      cluster: 'prod-eu',
      revision: 'default-v1-30-4',
      fromRevisions: expect.arrayContaining(['default-v1-30-1']),
      gated: false,
      windows: 0,
    });
    expect(cluster.namespaceWaves).toBeGreaterThan(0);
    expect(cluster.gatewayCutovers).toBeGreaterThan(0);
    expect(cluster.podsInScope).toBeGreaterThan(0);
    expect(cluster.requests).toBe(plan.requests);
    expect((await status({})).campaigns).toEqual([]);
  });

  it('stores a campaign waiting for a platform approver, holds its clusters, and runs it once a person approves', async () => {
    const answer = await backend.invoke(
      'request-istio-campaign',
      { ...PROD_EU, comment: 'asked by the platform team' },
      credentialsOf(MCP_SERVICE),
    );
    expect(answer.dryRun).toBe(false);
    expect(answer).not.toHaveProperty('plan');
    const { campaign } = answer;
    expect(campaign).toMatchObject({
      name: 'prod-eu to 1.30.4',
      state: 'pending-approval',
      targetVersion: '1.30.4',
      requestedBy: MCP_SERVICE,
      comment: 'asked by the platform team',
      progress: { clusters: 1, clustersDone: 0, wavesDone: 0 },
      rings: [
        {
          name: 'canary',
          state: 'pending',
          clusterStates: { pending: 1 },
          clusters: [{ cluster: 'prod-eu', state: 'pending' }],
        },
      ],
      link: `${APP_BASE_URL}/istio-upgrade?tab=campaigns&campaign=${campaign.id}`,
    });
    // The service that asked may not approve its own campaign.
    expect(campaign.allowedActions).not.toContain('approve');
    expect(answer.next).toMatch(/platform approver/);
    expect(answer.next).toContain(campaign.link);

    // One active campaign per cluster: the service's conflict, as it is.
    await expect(
      backend.invoke(
        'request-istio-campaign',
        { ...PROD_EU, name: 'again' },
        credentialsOf(ALICE),
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(campaign.id),
    });

    const listed = await status({});
    expect(listed.campaigns).toEqual([
      expect.objectContaining({
        id: campaign.id,
        state: 'pending-approval',
        rings: 1,
        allowedActions: expect.arrayContaining(['approve', 'reject']),
      }),
    ]);
    expect(listed.campaignsOmitted).toBe(0);

    const approved = await supertest(backend.server)
      .post(`/api/istio-upgrade/campaigns/${campaign.id}/approve`)
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({ comment: 'go' });
    expect(approved.status).toBe(200);

    let last: any;
    const done = await eventually(
      async () => {
        last = (await status({ id: campaign.id })).campaign;
        return ['succeeded', 'failed', 'paused', 'aborted'].includes(last.state)
          ? last
          : undefined;
      },
      240_000,
      1000,
    ).catch(error => {
      throw new Error(`${error.message}; last seen: ${JSON.stringify(last)}`);
    });
    expect({ state: done.state, reason: done.pausedReason }).toEqual({
      state: 'succeeded',
      reason: undefined,
    });
    expect(done.decidedBy).toBe(ALICE);
    // Past its last ring, a campaign has no current ring.
    expect(done).not.toHaveProperty('currentRing');
    expect(done.progress.clustersDone).toBe(1);
    expect(done.progress.wavesDone).toBe(done.progress.wavesTotal);
    expect(done.progress.podsOnTarget).toBe(done.progress.podsInScope);
    expect(done.rings[0]).toMatchObject({
      state: 'succeeded',
      clusterStates: { done: 1 },
    });
    const [cluster] = done.rings[0].clusters;
    expect(cluster).toMatchObject({ cluster: 'prod-eu', state: 'done' });
    expect(cluster).not.toHaveProperty('lastGate');
    expect(done.events.length).toBeLessThanOrEqual(10);
    expect(done.events.at(-1).type).toBeDefined();
    const times = done.events.map((e: any) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(done.next).toMatch(/done/);
    expect((await status({})).campaigns).toEqual([]);
  });
});
