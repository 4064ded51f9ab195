import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { NewRequest } from './RequestStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

function newRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    id: randomUUID(),
    type: 'namespace-migration',
    state: 'pending-approval',
    cluster: 'seed',
    targetKey: 'namespace:bookinfo',
    target: { namespace: 'bookinfo' },
    revision: '1-10-4',
    entityRef: 'component:default/productpage',
    requestedBy: 'user:default/carol',
    approvalRequired: true,
    options: { waveSize: 2 },
    plan: { summary: 'migrate', patches: [], waves: [], podsInScope: 6 },
    podsInScope: 6,
    ...overrides,
  };
}

const created = { type: 'created', message: 'created' };

describe.each(databases.eachSupportedId())(
  'DatabaseRequestStore on %p',
  databaseId => {
    async function store() {
      const knex = await databases.init(databaseId);
      return DatabaseRequestStore.create({
        database: { getClient: async () => knex },
      });
    }

    it('stores a request with its steps and first event, and reads it back', async () => {
      const s = await store();
      const request = newRequest();
      const { request: stored, created: isNew } = await s.insert(
        request,
        [
          { name: 'relabel', description: 'Relabel the namespace' },
          { name: 'restart-wave-1' },
        ],
        { ...created, actor: 'user:default/carol' },
      );
      expect(isNew).toBe(true);
      expect(stored).toMatchObject({
        id: request.id,
        state: 'pending-approval',
        target: { namespace: 'bookinfo' },
        plan: { podsInScope: 6 },
        options: { waveSize: 2 },
        approvalRequired: true,
        fencingToken: 0,
        cancelRequested: false,
      });
      expect(
        (await s.steps(request.id)).map(step => [
          step.index,
          step.name,
          step.state,
        ]),
      ).toEqual([
        [0, 'relabel', 'pending'],
        [1, 'restart-wave-1', 'pending'],
      ]);
      expect(await s.events(request.id)).toEqual([
        expect.objectContaining({
          type: 'created',
          actor: 'user:default/carol',
        }),
      ]);
    });

    it('reads many requests at once, with the campaign and decision they were stored with', async () => {
      const s = await store();
      const a = newRequest({
        state: 'approved',
        campaignId: 'c-1',
        decidedBy: 'user:default/bob',
        decidedAt: '2026-12-02T10:00:00.000Z',
        decisionComment: 'Approved with campaign fleet',
      });
      const b = newRequest({ targetKey: 'namespace:nginx' });
      await s.insert(a, [], created);
      await s.insert(b, [], created);
      const found = await s.getMany([a.id, b.id, randomUUID()]);
      expect(found.map(r => r.id).sort()).toEqual([a.id, b.id].sort());
      expect(found.find(r => r.id === a.id)).toMatchObject({
        campaignId: 'c-1',
        decidedBy: 'user:default/bob',
        decisionComment: 'Approved with campaign fleet',
      });
      expect(await s.getMany([])).toEqual([]);
    });

    it('returns the existing request for an idempotency key already used by the same requester', async () => {
      const s = await store();
      const first = await s.insert(
        newRequest({ idempotencyKey: 'k1' }),
        [],
        created,
      );
      const again = await s.insert(
        newRequest({ idempotencyKey: 'k1' }),
        [],
        created,
      );
      expect(again.created).toBe(false);
      expect(again.request.id).toBe(first.request.id);
      expect(await s.list()).toHaveLength(1);
    });

    it('refuses a second active request for the same target, and allows one after the first ends', async () => {
      const s = await store();
      const first = await s.insert(newRequest(), [], created);
      await expect(s.insert(newRequest(), [], created)).rejects.toThrow(
        ConflictError,
      );
      // Another target in the same cluster, or the same target in another cluster, is fine.
      await s.insert(
        newRequest({
          targetKey: 'namespace:nginx',
          target: { namespace: 'nginx' },
        }),
        [],
        created,
      );
      await s.insert(newRequest({ cluster: 'prod-eu' }), [], created);

      expect(
        await s.transition(
          first.request.id,
          ['pending-approval'],
          'rejected',
          {},
          { type: 'rejected', message: 'no' },
        ),
      ).toBe(true);
      await expect(s.insert(newRequest(), [], created)).resolves.toMatchObject({
        created: true,
      });
    });

    it('lets only one of two concurrent decisions win', async () => {
      const s = await store();
      const { request } = await s.insert(newRequest(), [], created);
      const results = await Promise.all([
        s.transition(
          request.id,
          ['pending-approval'],
          'approved',
          {},
          { type: 'approved', message: 'a' },
        ),
        s.transition(
          request.id,
          ['pending-approval'],
          'rejected',
          {},
          { type: 'rejected', message: 'b' },
        ),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await s.events(request.id)).map(e => e.type)).toHaveLength(2);
    });

    it('hands out a lease once at a time, with a fencing token that outlives former holders', async () => {
      const s = await store();
      const { request } = await s.insert(
        newRequest({ state: 'approved' }),
        [],
        created,
      );
      const t0 = Date.now();
      const a = await s.acquireLease(request.id, 'replica-a', 1000, t0);
      expect(a).toEqual({ owner: 'replica-a', token: 1 });
      expect(
        await s.acquireLease(request.id, 'replica-b', 1000, t0 + 10),
      ).toBeUndefined();
      expect(await s.findRunnable(10, t0 + 10)).toEqual([]);
      expect(await s.renewLease(request.id, a!, 1000, t0 + 500)).toBe(true);

      // replica-a stalls past its lease: replica-b takes over with a higher token.
      const later = t0 + 5000;
      expect(await s.findRunnable(10, later)).toEqual([request.id]);
      const b = await s.acquireLease(request.id, 'replica-b', 1000, later);
      expect(b).toEqual({ owner: 'replica-b', token: 2 });
      expect(await s.holdsLease(request.id, a!, later)).toBe(false);
      expect(await s.renewLease(request.id, a!, 1000, later)).toBe(false);
      expect(await s.holdsLease(request.id, b!, later)).toBe(true);

      // A transition made under a lost lease does not happen.
      expect(
        await s.transition(
          request.id,
          ['approved'],
          'running',
          {},
          { type: 'state', message: 'x' },
          a,
        ),
      ).toBe(false);
      expect(
        await s.transition(
          request.id,
          ['approved'],
          'running',
          {},
          { type: 'state', message: 'x' },
          b,
        ),
      ).toBe(true);
    });

    it('keeps step details and progress', async () => {
      const s = await store();
      const { request } = await s.insert(
        newRequest(),
        [{ name: 'restart-wave-1' }],
        created,
      );
      await s.updateStep(request.id, 0, {
        state: 'running',
        detail: { restartedAt: '2026-11-25T10:00:00Z' },
      });
      await s.updateProgress(request.id, {
        podsMigrated: 3,
        currentStep: 'restart-wave-1',
      });
      expect((await s.steps(request.id))[0]).toMatchObject({
        state: 'running',
        detail: { restartedAt: '2026-11-25T10:00:00Z' },
      });
      expect(await s.get(request.id)).toMatchObject({
        podsMigrated: 3,
        currentStep: 'restart-wave-1',
      });
    });

    it('lists by entity, cluster and state, newest first', async () => {
      const s = await store();
      const a = await s.insert(newRequest(), [], created);
      await new Promise(r => setTimeout(r, 5));
      const b = await s.insert(
        newRequest({
          targetKey: 'namespace:nginx',
          target: { namespace: 'nginx' },
          entityRef: 'component:default/nginx',
          state: 'approved',
        }),
        [],
        created,
      );
      expect((await s.list()).map(r => r.id)).toEqual([
        b.request.id,
        a.request.id,
      ]);
      expect(
        (await s.list({ entityRef: 'component:default/nginx' })).map(r => r.id),
      ).toEqual([b.request.id]);
      expect(
        (await s.list({ states: ['pending-approval'] })).map(r => r.id),
      ).toEqual([a.request.id]);
      expect(await s.list({ cluster: 'other' })).toEqual([]);
    });
  },
);
