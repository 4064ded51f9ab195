import { TestDatabases } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { DatabaseRequestStore } from './DatabaseRequestStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

describe.each(databases.eachSupportedId())(
  'the lease fences a request state on %p',
  databaseId => {
    async function takenOver() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseRequestStore.create({
        database: { getClient: async () => knex },
      });
      const id = randomUUID();
      await store.insert(
        {
          id,
          type: 'namespace-migration',
          state: 'approved',
          cluster: 'seed',
          targetKey: 'namespace:bookinfo',
          target: { namespace: 'bookinfo' },
          revision: '1-10-4',
          requestedBy: 'user:default/carol',
          approvalRequired: false,
          options: {},
          plan: { summary: 'migrate', patches: [], waves: [], podsInScope: 6 },
          podsInScope: 6,
        },
        [{ name: 'precheck' }, { name: 'restart-wave-1' }],
        { type: 'created', message: 'created' },
      );
      const now = Date.now();
      const former = (await store.acquireLease(id, 'replica-a', 1000, now))!;
      // replica-a froze past its lease; replica-b took the request over.
      const current = (await store.acquireLease(
        id,
        'replica-b',
        1000,
        now + 2000,
      ))!;
      return { store, id, former, current };
    }

    it('refuses step, detail, progress, event and step-list writes from a former holder', async () => {
      const { store, id, former } = await takenOver();
      const stamps = { stamps: { 'Deployment/bookinfo/a': 'stale' } };

      expect(
        await store.updateStep(id, 1, { state: 'succeeded' }, former),
      ).toBe(false);
      expect(await store.updateStep(id, 1, { detail: stamps }, former)).toBe(
        false,
      );
      expect(await store.updateProgress(id, { podsMigrated: 6 }, former)).toBe(
        false,
      );
      expect(
        await store.appendEvent(
          id,
          { type: 'step', message: 'restart-wave-1 done' },
          former,
        ),
      ).toBe(false);
      expect(
        await store.appendSteps(id, [{ name: 'rollback-verify' }], former),
      ).toBe(false);

      expect(
        (await store.steps(id)).map(s => [s.name, s.state, s.detail]),
      ).toEqual([
        ['precheck', 'pending', undefined],
        ['restart-wave-1', 'pending', undefined],
      ]);
      expect((await store.get(id))!.podsMigrated).toBe(0);
      expect((await store.events(id)).map(e => e.message)).toEqual(['created']);
    });

    it('accepts the same writes from the current holder, and from callers without a lease', async () => {
      const { store, id, current } = await takenOver();
      const stamps = { stamps: { 'Deployment/bookinfo/a': 'fresh' } };

      expect(await store.updateStep(id, 1, { detail: stamps }, current)).toBe(
        true,
      );
      expect(await store.updateStep(id, 1, { state: 'running' }, current)).toBe(
        true,
      );
      expect(await store.updateProgress(id, { podsMigrated: 3 }, current)).toBe(
        true,
      );
      expect(
        await store.appendSteps(id, [{ name: 'rollback-verify' }], current),
      ).toBe(true);
      expect(
        await store.appendEvent(id, { type: 'step', message: 'ours' }, current),
      ).toBe(true);
      expect(
        await store.appendEvent(id, { type: 'cancelled', message: 'asked' }),
      ).toBe(true);

      expect(
        (await store.steps(id)).map(s => [s.index, s.name, s.state, s.detail]),
      ).toEqual([
        [0, 'precheck', 'pending', undefined],
        [1, 'restart-wave-1', 'running', stamps],
        [2, 'rollback-verify', 'pending', undefined],
      ]);
      expect((await store.get(id))!.podsMigrated).toBe(3);
      expect((await store.events(id)).map(e => e.message)).toEqual([
        'created',
        'ours',
        'asked',
      ]);
    });
  },
);
