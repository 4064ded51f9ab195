import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { CampaignPlan } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { randomUUID } from 'node:crypto';
import { NewCampaign } from './CampaignStore';
import { DatabaseCampaignStore } from './DatabaseCampaignStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const migrations = {
  directory: resolvePackagePath(
    '@istio-upgrade/backstage-plugin-istio-upgrade-backend',
    'migrations',
  ),
  tableName: 'istio_upgrade_knex_migrations',
};

function planFor(clusters: string[]): CampaignPlan {
  return {
    targetVersion: '1.27.1',
    estimatedSeconds: 3600,
    requests: clusters.length,
    warnings: [],
    rings: [
      {
        index: 0,
        name: 'staging',
        state: 'pending',
        clusters: clusters.map(cluster => ({
          cluster,
          fromRevisions: ['1-26-3'],
          gated: false,
          podsInScope: 4,
          revision: '1-27-1',
          state: 'pending',
          waves: [],
          windows: [],
        })),
      },
    ],
  };
}

let clock = Date.parse('2026-12-02T10:00:00.000Z');

function newCampaign(overrides: Partial<NewCampaign> = {}): NewCampaign {
  const clusters = overrides.clusters ?? ['staging', 'prod-eu'];
  clock += 1000;
  return {
    id: randomUUID(),
    name: 'to 1.27',
    state: 'pending-approval',
    targetVersion: '1.27.1',
    spec: {
      name: 'to 1.27',
      targetVersion: '1.27.1',
      rings: [{ name: 'staging', clusters }],
      soakSeconds: 60,
    },
    plan: planFor(clusters),
    clusters,
    requestedBy: 'user:default/platform',
    requestedAt: new Date(clock).toISOString(),
    ...overrides,
  };
}

const created = { type: 'created', message: 'created' };

describe.each(databases.eachSupportedId())(
  'DatabaseCampaignStore on %p',
  databaseId => {
    async function open() {
      const knex = await databases.init(databaseId);
      const campaigns = await DatabaseCampaignStore.create({
        database: { getClient: async () => knex },
      });
      return { knex, store: campaigns };
    }

    async function store() {
      return (await open()).store;
    }

    it('stores a campaign with its clusters and first event, and reads it back', async () => {
      const s = await store();
      const campaign = newCampaign({
        clusters: ['staging', 'prod-eu', 'prod-us'],
        comment: 'quarterly',
      });
      const stored = await s.insert(campaign, {
        ...created,
        actor: 'user:default/platform',
      });
      expect(stored).toEqual({
        id: campaign.id,
        name: 'to 1.27',
        state: 'pending-approval',
        targetVersion: '1.27.1',
        spec: campaign.spec,
        plan: campaign.plan,
        clusters: ['staging', 'prod-eu', 'prod-us'],
        requestedBy: 'user:default/platform',
        requestedAt: campaign.requestedAt,
        updatedAt: campaign.requestedAt,
        comment: 'quarterly',
        pauseRequested: false,
        skipRequested: [],
        fencingToken: 0,
      });
      expect(await s.get(campaign.id)).toEqual(stored);
      expect(await s.get(randomUUID())).toBeUndefined();
      expect(await s.events(campaign.id)).toEqual([
        {
          id: expect.any(Number),
          at: campaign.requestedAt,
          type: 'created',
          message: 'created',
          actor: 'user:default/platform',
        },
      ]);
      expect((await s.activeFor('prod-us'))?.id).toBe(campaign.id);
      expect(await s.activeFor('elsewhere')).toBeUndefined();
    });

    it('refuses a second active campaign on a held cluster, naming the cluster and the holder', async () => {
      const s = await store();
      const first = await s.insert(
        newCampaign({ name: 'first', clusters: ['staging', 'prod-eu'] }),
        created,
      );
      const second = newCampaign({
        name: 'second',
        clusters: ['prod-us', 'prod-eu'],
      });
      const refusal = s.insert(second, created);
      await expect(refusal).rejects.toThrow(ConflictError);
      await expect(refusal).rejects.toThrow(
        `cluster prod-eu is already in active campaign first (${first.id}, pending-approval)`,
      );
      // Nothing of the refused campaign was kept, and prod-us is not held.
      expect(await s.get(second.id)).toBeUndefined();
      expect(await s.activeFor('prod-us')).toBeUndefined();
      // Clusters no campaign holds are fine.
      await s.insert(newCampaign({ clusters: ['prod-us'] }), created);
    });

    it('lets one of two campaigns created at once on the same cluster be stored', async () => {
      const s = await store();
      const results = await Promise.allSettled([
        s.insert(newCampaign({ clusters: ['a', 'shared'] }), created),
        s.insert(newCampaign({ clusters: ['shared', 'b'] }), created),
      ]);
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find(r => r.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(
        ConflictError,
      );
      expect(await s.list()).toHaveLength(1);
    });

    it('frees every cluster when a campaign reaches a final state', async () => {
      const s = await store();
      const first = await s.insert(newCampaign(), created);
      expect(
        await s.transition(
          first.id,
          ['pending-approval'],
          'approved',
          { decidedBy: 'user:default/lead' },
          { type: 'approved', message: 'ok' },
        ),
      ).toBe(true);
      // Still active: still held.
      await expect(s.insert(newCampaign(), created)).rejects.toThrow(
        ConflictError,
      );
      expect(
        await s.transition(
          first.id,
          ['approved'],
          'aborted',
          {},
          { type: 'aborted', message: 'stop' },
        ),
      ).toBe(true);
      expect(await s.activeFor('staging')).toBeUndefined();
      expect(await s.activeFor('prod-eu')).toBeUndefined();
      const next = await s.insert(newCampaign(), created);
      expect((await s.activeFor('staging'))?.id).toBe(next.id);
      // The ended campaign keeps its clusters as planned.
      expect((await s.get(first.id))?.clusters).toEqual(['staging', 'prod-eu']);
    });

    it('frees a skipped cluster at once and records the skip until the engine clears it', async () => {
      const s = await store();
      const first = await s.insert(
        newCampaign({ state: 'approved', clusters: ['a', 'b', 'c'] }),
        created,
      );
      expect(await s.requestSkip(first.id, 'b')).toBe(true);
      expect(await s.requestSkip(first.id, 'b')).toBe(false);
      expect(await s.requestSkip(first.id, 'not-a-member')).toBe(false);
      expect(await s.requestSkip(first.id, 'c')).toBe(true);
      expect(await s.get(first.id)).toMatchObject({
        clusters: ['a', 'b', 'c'],
        skipRequested: ['b', 'c'],
      });
      // Skips asked at once are all recorded.
      const many = await s.insert(
        newCampaign({ state: 'running', clusters: ['m1', 'm2', 'm3', 'm4'] }),
        created,
      );
      expect(
        await Promise.all(
          ['m1', 'm2', 'm3', 'm4'].map(c => s.requestSkip(many.id, c)),
        ),
      ).toEqual([true, true, true, true]);
      expect((await s.get(many.id))?.skipRequested.sort()).toEqual([
        'm1',
        'm2',
        'm3',
        'm4',
      ]);
      expect((await s.activeFor('a'))?.id).toBe(first.id);
      expect(await s.activeFor('b')).toBeUndefined();
      const other = await s.insert(newCampaign({ clusters: ['b'] }), created);
      expect((await s.activeFor('b'))?.id).toBe(other.id);
      await expect(
        s.insert(newCampaign({ clusters: ['a'] }), created),
      ).rejects.toThrow('cluster a is already in active campaign');

      const lease = (await s.acquireLease(first.id, 'engine', 60_000))!;
      expect(await s.clearSkips(first.id, ['b'], lease)).toBe(true);
      expect((await s.get(first.id))?.skipRequested).toEqual(['c']);

      // A campaign that ended has nothing left to skip.
      await s.transition(
        first.id,
        ['approved'],
        'failed',
        {},
        { type: 'state', message: 'x' },
      );
      expect(await s.requestSkip(first.id, 'a')).toBe(false);
    });

    it('moves a campaign only from the expected states, and lets one of two concurrent decisions win', async () => {
      const s = await store();
      const campaign = await s.insert(newCampaign(), created);
      expect(
        await s.transition(
          campaign.id,
          ['running'],
          'paused',
          {},
          { type: 'paused', message: 'x' },
        ),
      ).toBe(false);
      const results = await Promise.all([
        s.transition(
          campaign.id,
          ['pending-approval'],
          'approved',
          {
            decidedBy: 'user:default/a',
            decidedAt: '2026-12-02T11:00:00.000Z',
            decisionComment: 'go',
          },
          { type: 'approved', message: 'a', actor: 'user:default/a' },
        ),
        s.transition(
          campaign.id,
          ['pending-approval'],
          'rejected',
          {
            decidedBy: 'user:default/b',
            decidedAt: '2026-12-02T11:00:00.000Z',
          },
          { type: 'rejected', message: 'b', actor: 'user:default/b' },
        ),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const events = await s.events(campaign.id);
      expect(events).toHaveLength(2);
      const stored = (await s.get(campaign.id))!;
      expect(stored.decidedBy).toBe(events[1].actor);
      expect(stored.state).toBe(events[1].type);

      // Change columns: set, then cleared with null; undefined leaves a column alone.
      const other = await s.insert(
        newCampaign({ state: 'running', clusters: ['x'] }),
        created,
      );
      await s.transition(
        other.id,
        ['running'],
        'paused',
        { pausedReason: 'gate failed: 5xx +2.1 points', currentRing: 1 },
        { type: 'paused', message: 'gate', cluster: 'x' },
      );
      expect(await s.get(other.id)).toMatchObject({
        state: 'paused',
        pausedReason: 'gate failed: 5xx +2.1 points',
        currentRing: 1,
      });
      await s.transition(
        other.id,
        ['paused'],
        'running',
        { pausedReason: null },
        { type: 'resumed', message: 'go on' },
      );
      const resumed = (await s.get(other.id))!;
      expect(resumed.pausedReason).toBeUndefined();
      expect(resumed.currentRing).toBe(1);
      expect((await s.activeFor('x'))?.id).toBe(other.id);
    });

    it('asks to pause only a campaign that is approved or running', async () => {
      const s = await store();
      const pending = await s.insert(newCampaign({ clusters: ['p'] }), created);
      const running = await s.insert(
        newCampaign({ state: 'running', clusters: ['r'] }),
        created,
      );
      expect(await s.requestPause(pending.id)).toBe(false);
      expect(await s.requestPause(running.id)).toBe(true);
      expect((await s.get(running.id))?.pauseRequested).toBe(true);
      expect((await s.get(pending.id))?.pauseRequested).toBe(false);
    });

    it('hands out a lease once at a time, fencing the writes of a former holder', async () => {
      const s = await store();
      const pending = await s.insert(newCampaign({ clusters: ['p'] }), created);
      expect(
        await s.acquireLease(pending.id, 'replica-a', 60_000),
      ).toBeUndefined();

      const campaign = await s.insert(
        newCampaign({ state: 'approved' }),
        created,
      );
      const t0 = Date.now();
      const a = await s.acquireLease(campaign.id, 'replica-a', 60_000, t0);
      expect(a).toEqual({ owner: 'replica-a', token: 1 });
      expect(
        await s.acquireLease(campaign.id, 'replica-b', 60_000, t0 + 10),
      ).toBeUndefined();
      expect(await s.findRunnable(10, t0 + 10)).toEqual([]);
      expect(await s.renewLease(campaign.id, a!, 60_000, t0 + 500)).toBe(true);
      expect(await s.update(campaign.id, { currentRing: 0 }, a!)).toBe(true);
      expect(
        await s.appendEvent(
          campaign.id,
          { type: 'ring', message: 'ring 0' },
          a,
        ),
      ).toBe(true);

      // replica-a stalls past its lease: replica-b takes over with a higher token.
      const later = t0 + 120_000;
      expect(await s.findRunnable(10, later)).toEqual([campaign.id]);
      const b = await s.acquireLease(campaign.id, 'replica-b', 600_000, later);
      expect(b).toEqual({ owner: 'replica-b', token: 2 });
      expect((await s.get(campaign.id))?.fencingToken).toBe(2);

      // Every write replica-a makes under its lost lease is refused.
      expect(await s.update(campaign.id, { currentRing: 5 }, a!)).toBe(false);
      expect(
        await s.appendEvent(campaign.id, { type: 'ring', message: 'late' }, a),
      ).toBe(false);
      expect(await s.clearSkips(campaign.id, [], a!)).toBe(false);
      expect(
        await s.transition(
          campaign.id,
          ['approved'],
          'running',
          {},
          { type: 'state', message: 'late' },
          a,
        ),
      ).toBe(false);
      expect(await s.renewLease(campaign.id, a!, 60_000, later)).toBe(false);
      await s.releaseLease(campaign.id, a!);
      expect(
        await s.acquireLease(campaign.id, 'replica-c', 60_000, later + 1),
      ).toBeUndefined();

      // replica-b's writes go through.
      expect(await s.update(campaign.id, { currentRing: 1 }, b!)).toBe(true);
      expect(
        await s.transition(
          campaign.id,
          ['approved'],
          'running',
          { startedAt: '2026-12-02T12:00:00.000Z' },
          { type: 'state', message: 'running' },
          b,
        ),
      ).toBe(true);
      expect(await s.get(campaign.id)).toMatchObject({
        state: 'running',
        currentRing: 1,
        startedAt: '2026-12-02T12:00:00.000Z',
      });
      expect((await s.events(campaign.id)).map(e => e.message)).toEqual([
        'created',
        'ring 0',
        'running',
      ]);

      // Released, the lease is free for the next holder.
      await s.releaseLease(campaign.id, b!);
      expect(await s.findRunnable(10)).toEqual([campaign.id]);
      expect(await s.acquireLease(campaign.id, 'replica-c', 60_000)).toEqual({
        owner: 'replica-c',
        token: 3,
      });
    });

    it('refuses writes under an expired lease even before anyone takes it over', async () => {
      const s = await store();
      const campaign = await s.insert(
        newCampaign({ state: 'running' }),
        created,
      );
      const lease = await s.acquireLease(
        campaign.id,
        'replica-a',
        1000,
        Date.now() - 10_000,
      );
      expect(lease).toEqual({ owner: 'replica-a', token: 1 });
      expect(await s.update(campaign.id, { currentRing: 2 }, lease!)).toBe(
        false,
      );
      expect(
        await s.appendEvent(
          campaign.id,
          { type: 'ring', message: 'late' },
          lease,
        ),
      ).toBe(false);
      expect(
        await s.transition(
          campaign.id,
          ['running'],
          'succeeded',
          {},
          { type: 'state', message: 'late' },
          lease,
        ),
      ).toBe(false);
      expect(await s.get(campaign.id)).toMatchObject({ state: 'running' });
      expect(await s.events(campaign.id)).toHaveLength(1);
    });

    it('a final state drops the lease', async () => {
      const s = await store();
      const campaign = await s.insert(
        newCampaign({ state: 'running' }),
        created,
      );
      const lease = (await s.acquireLease(campaign.id, 'engine', 60_000))!;
      expect(
        await s.transition(
          campaign.id,
          ['running'],
          'succeeded',
          { finishedAt: '2026-12-02T13:00:00.000Z' },
          { type: 'state', message: 'done' },
          lease,
        ),
      ).toBe(true);
      expect(await s.update(campaign.id, { currentRing: 9 }, lease)).toBe(
        false,
      );
      expect(await s.renewLease(campaign.id, lease, 60_000)).toBe(false);
      expect(await s.get(campaign.id)).toMatchObject({
        state: 'succeeded',
        finishedAt: '2026-12-02T13:00:00.000Z',
      });
    });

    it('finds runnable campaigns whose lease is free or expired, oldest first', async () => {
      const s = await store();
      const older = await s.insert(
        newCampaign({ state: 'running', clusters: ['c1'] }),
        created,
      );
      const pending = await s.insert(
        newCampaign({ state: 'pending-approval', clusters: ['c2'] }),
        created,
      );
      const paused = await s.insert(
        newCampaign({ state: 'paused', clusters: ['c3'] }),
        created,
      );
      const aborting = await s.insert(
        newCampaign({ state: 'aborting', clusters: ['c4'] }),
        created,
      );
      const approved = await s.insert(
        newCampaign({ state: 'approved', clusters: ['c5'] }),
        created,
      );
      const done = await s.insert(
        newCampaign({ state: 'succeeded', clusters: ['c1'] }),
        created,
      );
      const t0 = Date.now();
      expect(await s.findRunnable(10, t0)).toEqual([
        older.id,
        aborting.id,
        approved.id,
      ]);
      expect(await s.findRunnable(2, t0)).toEqual([older.id, aborting.id]);
      await s.acquireLease(aborting.id, 'engine', 1000, t0);
      expect(await s.findRunnable(10, t0 + 10)).toEqual([
        older.id,
        approved.id,
      ]);
      expect(await s.findRunnable(10, t0 + 2000)).toEqual([
        older.id,
        aborting.id,
        approved.id,
      ]);
      for (const id of [pending.id, paused.id, done.id]) {
        expect(await s.acquireLease(id, 'engine', 1000, t0)).toBeUndefined();
      }
    });

    it('keeps the event log in order, with the cluster an event is about', async () => {
      const s = await store();
      const campaign = await s.insert(newCampaign(), created);
      for (const [i, cluster] of ['staging', undefined, 'prod-eu'].entries()) {
        await s.appendEvent(campaign.id, {
          type: 'wave',
          message: `event ${i}`,
          cluster,
        });
      }
      const events = await s.events(campaign.id);
      expect(events.map(e => [e.message, e.cluster])).toEqual([
        ['created', undefined],
        ['event 0', 'staging'],
        ['event 1', undefined],
        ['event 2', 'prod-eu'],
      ]);
      const ids = events.map(e => e.id);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      expect(new Set(ids).size).toBe(4);
    });

    it('defers a namespace once, opts it in once and records the first notice only', async () => {
      const s = await store();
      const campaign = await s.insert(newCampaign(), created);
      const id = campaign.id;

      expect(
        await s.markNotified(id, 'staging', 'shop', '2026-12-02T10:00:00Z'),
      ).toBe(true);
      expect(
        await s.markNotified(id, 'staging', 'shop', '2026-12-02T11:00:00Z'),
      ).toBe(false);

      expect(
        await s.defer(id, 'staging', 'shop', '2026-12-05T00:00:00Z', 'user:a'),
      ).toBe(true);
      expect(
        await s.defer(id, 'staging', 'shop', '2026-12-09T00:00:00Z', 'user:b'),
      ).toBe(false);
      // Two owners deferring at once: one of them wins.
      const both = await Promise.all([
        s.defer(id, 'prod-eu', 'shop', '2026-12-05T00:00:00Z', 'user:a'),
        s.defer(id, 'prod-eu', 'shop', '2026-12-06T00:00:00Z', 'user:b'),
      ]);
      expect(both.filter(Boolean)).toHaveLength(1);

      expect(
        await s.optIn(id, 'staging', 'cart', 'user:c', '2026-12-02T10:30:00Z'),
      ).toBe(true);
      expect(
        await s.optIn(id, 'staging', 'cart', 'user:d', '2026-12-02T10:40:00Z'),
      ).toBe(false);
      // A notice after an opt-in still counts once.
      expect(
        await s.markNotified(id, 'staging', 'cart', '2026-12-02T10:45:00Z'),
      ).toBe(true);

      const schedules = await s.schedules(id);
      expect(schedules).toEqual([
        expect.objectContaining({ cluster: 'prod-eu', namespace: 'shop' }),
        {
          campaignId: id,
          cluster: 'staging',
          namespace: 'cart',
          optedInBy: 'user:c',
          optedInAt: '2026-12-02T10:30:00Z',
          notifiedAt: '2026-12-02T10:45:00Z',
        },
        {
          campaignId: id,
          cluster: 'staging',
          namespace: 'shop',
          notifiedAt: '2026-12-02T10:00:00Z',
          deferredUntil: '2026-12-05T00:00:00Z',
          deferredBy: 'user:a',
        },
      ]);

      await expect(
        s.defer(randomUUID(), 'staging', 'shop', '2026-12-05T00:00:00Z', 'u'),
      ).rejects.toThrow(NotFoundError);
    });

    it('finds the schedule changes of namespaces in active campaigns only', async () => {
      const s = await store();
      const ended = await s.insert(newCampaign({ clusters: ['a'] }), created);
      await s.defer(ended.id, 'a', 'shop', '2026-12-05T00:00:00Z', 'user:a');
      await s.transition(
        ended.id,
        ['pending-approval'],
        'rejected',
        {},
        { type: 'rejected', message: 'no' },
      );
      const active = await s.insert(
        newCampaign({ clusters: ['a', 'b'] }),
        created,
      );
      await s.defer(active.id, 'a', 'shop', '2026-12-06T00:00:00Z', 'user:a');
      await s.optIn(active.id, 'b', 'cart', 'user:b', '2026-12-02T10:00:00Z');
      await s.optIn(active.id, 'b', 'other', 'user:b', '2026-12-02T10:00:00Z');

      expect(await s.schedulesFor([])).toEqual([]);
      const found = await s.schedulesFor([
        { cluster: 'a', namespace: 'shop' },
        { cluster: 'b', namespace: 'cart' },
        { cluster: 'b', namespace: 'cart' },
        { cluster: 'a', namespace: 'cart' },
      ]);
      expect(found.map(f => [f.campaignId, f.cluster, f.namespace])).toEqual([
        [active.id, 'a', 'shop'],
        [active.id, 'b', 'cart'],
      ]);
      // More namespaces than one query asks about.
      const many = Array.from({ length: 450 }, (_, i) => ({
        cluster: 'b',
        namespace: `ns-${i}`,
      }));
      expect(
        await s.schedulesFor([...many, { cluster: 'b', namespace: 'other' }]),
      ).toEqual([expect.objectContaining({ namespace: 'other' })]);
    });

    it('lists newest first, by state and by cluster, 50 unless told', async () => {
      const s = await store();
      const a = await s.insert(
        newCampaign({ clusters: ['staging', 'prod-eu'] }),
        created,
      );
      const b = await s.insert(
        newCampaign({ state: 'running', clusters: ['prod-us'] }),
        created,
      );
      const c = await s.insert(
        newCampaign({ state: 'succeeded', clusters: ['staging'] }),
        created,
      );
      expect((await s.list()).map(x => x.id)).toEqual([c.id, b.id, a.id]);
      expect((await s.list({ limit: 2 })).map(x => x.id)).toEqual([c.id, b.id]);
      expect(
        (await s.list({ states: ['pending-approval', 'running'] })).map(
          x => x.id,
        ),
      ).toEqual([b.id, a.id]);
      expect((await s.list({ cluster: 'staging' })).map(x => x.id)).toEqual([
        c.id,
        a.id,
      ]);
      expect(
        (await s.list({ cluster: 'staging', states: ['succeeded'] })).map(
          x => x.id,
        ),
      ).toEqual([c.id]);
      expect(await s.list({ cluster: 'nowhere' })).toEqual([]);
      expect((await s.list({ cluster: 'prod-eu' }))[0].clusters).toEqual([
        'staging',
        'prod-eu',
      ]);

      for (let i = 0; i < 50; i++) {
        await s.insert(
          newCampaign({ state: 'rejected', clusters: [`c-${i}`] }),
          created,
        );
      }
      expect(await s.list()).toHaveLength(50);
      expect(await s.list({ limit: 100 })).toHaveLength(53);
    });

    it('adds a campaign_id to the requests table, and its migration goes down and up again', async () => {
      const { knex, store: s } = await open();
      const campaign = await s.insert(newCampaign(), created);
      const at = new Date().toISOString();
      const request = {
        id: randomUUID(),
        type: 'namespace-migration',
        state: 'pending-approval',
        cluster: 'staging',
        target_key: 'namespace:shop',
        target: '{}',
        revision: '1-27-1',
        requested_by: 'user:default/platform',
        approval_required: true,
        options: '{}',
        plan: '{}',
        requested_at: at,
        updated_at: at,
      };
      await knex('istio_upgrade_requests').insert({
        ...request,
        campaign_id: campaign.id,
      });
      expect(
        await knex('istio_upgrade_requests')
          .where({ campaign_id: campaign.id })
          .select('id'),
      ).toEqual([{ id: request.id }]);

      // A second store on the same database finds the migrations done.
      await DatabaseCampaignStore.create({
        database: { getClient: async () => knex },
      });

      await knex.migrate.down(migrations);
      expect(
        await knex.schema.hasColumn('istio_upgrade_requests', 'campaign_id'),
      ).toBe(false);
      expect(await knex.schema.hasTable('istio_upgrade_campaigns')).toBe(false);
      expect(
        await knex('istio_upgrade_requests').where({ id: request.id }).first(),
      ).toBeDefined();
      await knex.migrate.latest(migrations);
      expect(
        await knex.schema.hasColumn('istio_upgrade_requests', 'campaign_id'),
      ).toBe(true);
      expect(await knex.schema.hasTable('istio_upgrade_campaigns')).toBe(true);
    });
  },
);
