import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  CampaignCluster,
  CampaignPlan,
  CampaignWave,
  ClusterInventory,
  CreateRequest,
  MaintenanceWindow,
  NamespaceInventory,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { randomUUID } from 'node:crypto';
import { StoredRequest } from '../../requests/RequestStore';
import { StoredCampaign } from '../CampaignStore';
import { DatabaseCampaignStore } from '../DatabaseCampaignStore';
import { windowOpenAt } from '../windows/maintenanceWindows';
import { CampaignGateSubject, CampaignGateVerdict } from './campaignGate';
import { CampaignEngine } from './CampaignEngine';
import { CampaignEngineSettings } from './CampaignStep';
import { CampaignNotice, CampaignRef, CampaignWorld } from './campaignWorld';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const FROM = '1-26-3';
const TARGET = '1-27-1';
// A Wednesday.
const T0 = Date.parse('2026-12-02T10:30:00.000Z');

const SETTINGS: CampaignEngineSettings = {
  unreachableRetries: 2,
  gate: {
    windowSeconds: 60,
    max5xxIncreasePoints: 0.5,
    maxP99IncreasePercent: 20,
  },
  notifyAheadSeconds: 0,
  soakSeconds: 0,
};

/**
 * The engine's world as data: clusters' inventories (or the error reading them), requests the test
 * moves to their end itself (a succeeded migration moves the namespace's pods to its revision in the
 * inventory, a succeeded rollback moves them back), a gate whose outcome the test chooses, a clock the
 * test sets, and the real maintenance-window rules.
 */
class FakeWorld implements CampaignWorld {
  clock = T0;
  readonly inventories = new Map<string, ClusterInventory | Error>();
  readonly stored = new Map<string, StoredRequest>();
  readonly byKey = new Map<string, string>();
  /** Every request made, in order (rollbacks included). */
  readonly made: StoredRequest[] = [];
  readonly notices: CampaignNotice[] = [];
  gateOutcome: CampaignGateVerdict['outcome'] = 'passed';
  readonly judged: Array<{ cluster: string; subjects: CampaignGateSubject[] }> =
    [];

  readonly gate = {
    configuredFor: () => true,
    judge: async (cluster: string, subjects: CampaignGateSubject[]) => {
      this.judged.push({ cluster, subjects });
      return subjects.map(subject => ({
        subject,
        outcome: this.gateOutcome,
        reason:
          this.gateOutcome === 'unknown'
            ? 'no traffic in the window'
            : `5xx ${this.gateOutcome}`,
        before: { requests: 100, errorRatio: 0, p99Ms: 20 },
        after: { requests: 100, errorRatio: 0, p99Ms: 20 },
      }));
    },
  };

  now(): Date {
    return new Date(this.clock);
  }

  advance(seconds: number): void {
    this.clock += seconds * 1000;
  }

  windowState(windows: MaintenanceWindow[], at: Date) {
    return windowOpenAt(windows, at);
  }

  async inventory(cluster: string): Promise<ClusterInventory> {
    const inventory = this.inventories.get(cluster);
    if (!inventory) throw new Error(`no cluster ${cluster}`);
    if (inventory instanceof Error) throw inventory;
    return JSON.parse(JSON.stringify(inventory));
  }

  private newRequest(
    fields: Pick<StoredRequest, 'type' | 'cluster' | 'target' | 'revision'> &
      Partial<StoredRequest>,
  ): StoredRequest {
    const at = this.now().toISOString();
    const request: StoredRequest = {
      id: randomUUID(),
      state: 'running',
      targetKey: `${fields.cluster}/${fields.target.namespace ?? ''}`,
      requestedBy: 'user:default/platform',
      approvalRequired: false,
      cancelRequested: false,
      options: {},
      plan: {} as StoredRequest['plan'],
      podsInScope: 2,
      podsMigrated: 0,
      requestedAt: at,
      updatedAt: at,
      fencingToken: 0,
      ...fields,
    };
    this.stored.set(request.id, request);
    this.made.push(request);
    return request;
  }

  async createRequest(
    campaign: CampaignRef,
    body: CreateRequest,
  ): Promise<StoredRequest> {
    const known = body.idempotencyKey && this.byKey.get(body.idempotencyKey);
    if (known) return { ...this.stored.get(known)! };
    const request = this.newRequest({
      type: body.type,
      cluster: body.cluster,
      target: body.target,
      revision: body.revision,
      campaignId: campaign.id,
      idempotencyKey: body.idempotencyKey,
    });
    if (body.idempotencyKey) this.byKey.set(body.idempotencyKey, request.id);
    return { ...request };
  }

  async rollbackRequest(
    campaign: CampaignRef,
    id: string,
  ): Promise<StoredRequest> {
    const original = this.stored.get(id)!;
    if (original.rolledBackBy) {
      return { ...this.stored.get(original.rolledBackBy)! };
    }
    const rollback = this.newRequest({
      type: original.type,
      cluster: original.cluster,
      target: original.target,
      revision: FROM,
      campaignId: campaign.id,
      rollbackOf: id,
    });
    original.rolledBackBy = rollback.id;
    return { ...rollback };
  }

  async requests(ids: string[]): Promise<Map<string, StoredRequest>> {
    return new Map(
      ids
        .filter(id => this.stored.has(id))
        .map(id => [id, { ...this.stored.get(id)! }]),
    );
  }

  async notify(notice: CampaignNotice): Promise<void> {
    this.notices.push(notice);
  }

  /** Owners' notices (the platform team's are the campaign's changes of state). */
  get ownerNotices(): CampaignNotice[] {
    return this.notices.filter(n => n.owners?.length);
  }

  /** Ends a request; a succeeded one moves its namespace's pods to its revision. */
  finish(id: string, state: StoredRequest['state'], error?: string): void {
    const request = this.stored.get(id)!;
    request.state = state;
    if (error) request.error = error;
    if (state !== 'succeeded') return;
    request.podsMigrated = request.podsInScope;
    const inventory = this.inventories.get(request.cluster);
    const namespace = request.target.namespace;
    if (!inventory || inventory instanceof Error || !namespace) return;
    const ns = inventory.namespaces.find(n => n.name === namespace);
    if (ns) {
      ns.podsByRevision = [{ revision: request.revision, count: ns.pods }];
    }
  }

  /** Ends every request still running, all alike. */
  finishAll(state: StoredRequest['state'] = 'succeeded'): string[] {
    const running = [...this.stored.values()].filter(
      r => r.state === 'running',
    );
    for (const r of running) this.finish(r.id, state);
    return running.map(r => r.id);
  }

  running(): StoredRequest[] {
    return [...this.stored.values()].filter(r => r.state === 'running');
  }
}

function namespaceInventory(name: string): NamespaceInventory {
  return {
    name,
    injectionMode: 'revision',
    revisionLabel: FROM,
    desiredRevision: FROM,
    pods: 2,
    injectedPods: 2,
    uninjectedPods: 0,
    podsNeedingRestart: 0,
    podsByRevision: [{ revision: FROM, count: 2 }],
  };
}

function inventoryOf(cluster: string, namespaces: string[]): ClusterInventory {
  return {
    cluster: {
      name: cluster,
      entityRef: `resource:default/${cluster}`,
      status: 'ready',
      sync: { complete: true, state: 'synced' },
    },
    controlPlanes: [],
    gateways: [],
    gatewayServices: [],
    namespaces: namespaces.map(namespaceInventory),
    tags: [],
    totals: {
      injectedPods: namespaces.length * 2,
      namespaces: namespaces.length,
      pods: namespaces.length * 2,
      podsNeedingRestart: 0,
    },
    warnings: [],
    workloads: [],
  };
}

interface ClusterSpec {
  cluster: string;
  /** Namespaces per wave. */
  waves: string[][];
  gated?: boolean;
  windows?: MaintenanceWindow[];
}

function namespaceWave(
  cluster: string,
  index: number,
  namespaces: string[],
): CampaignWave {
  return {
    index,
    kind: 'namespaces',
    state: 'pending',
    namespaces: namespaces.map(namespace => ({
      namespace,
      owners: [`component:default/${namespace}-app`, 'group:default/team'],
      pods: 2,
    })),
    requests: namespaces.map(namespace => ({
      type: 'namespace-migration',
      cluster,
      revision: TARGET,
      target: { namespace },
      summary: `migrate ${namespace} to ${TARGET}`,
    })),
    requestIds: [],
  };
}

function clusterOf(spec: ClusterSpec): CampaignCluster {
  return {
    cluster: spec.cluster,
    fromRevisions: [FROM],
    gated: spec.gated ?? false,
    podsInScope: spec.waves.flat().length * 2,
    revision: TARGET,
    state: 'pending',
    windows: spec.windows ?? [],
    waves: spec.waves.map((namespaces, i) =>
      namespaceWave(spec.cluster, i, namespaces),
    ),
  };
}

function planOf(
  rings: Array<{
    name: string;
    continueOnUnreachable?: boolean;
    clusters: ClusterSpec[];
  }>,
): CampaignPlan {
  return {
    targetVersion: '1.27.1',
    estimatedSeconds: 3600,
    requests: rings.flatMap(r => r.clusters.flatMap(c => c.waves.flat()))
      .length,
    warnings: [],
    rings: rings.map((r, index) => ({
      index,
      name: r.name,
      state: 'pending',
      ...(r.continueOnUnreachable !== undefined
        ? { continueOnUnreachable: r.continueOnUnreachable }
        : {}),
      clusters: r.clusters.map(clusterOf),
    })),
  };
}

describe.each(databases.eachSupportedId())(
  'CampaignStep on a fake world and %p',
  databaseId => {
    async function setup(
      plan: CampaignPlan,
      spec: Partial<StoredCampaign['spec']> = {},
    ) {
      const knex = await databases.init(databaseId);
      const store = await DatabaseCampaignStore.create({
        database: { getClient: async () => knex },
      });
      const world = new FakeWorld();
      for (const ring of plan.rings) {
        for (const c of ring.clusters) {
          world.inventories.set(
            c.cluster,
            inventoryOf(
              c.cluster,
              c.waves.flatMap(w => w.namespaces.map(ns => ns.namespace)),
            ),
          );
        }
      }
      const clusters = plan.rings.flatMap(r => r.clusters.map(c => c.cluster));
      const id = randomUUID();
      await store.insert(
        {
          id,
          name: 'to 1.27',
          state: 'approved',
          targetVersion: '1.27.1',
          spec: {
            name: 'to 1.27',
            targetVersion: '1.27.1',
            rings: plan.rings.map(r => ({
              name: r.name,
              clusters: r.clusters.map(c => c.cluster),
            })),
            soakSeconds: 0,
            ...spec,
          },
          plan,
          clusters,
          requestedBy: 'user:default/platform',
          requestedAt: new Date(T0).toISOString(),
        },
        { type: 'created', message: 'created' },
      );
      const engine = new CampaignEngine({
        store,
        world,
        settings: SETTINGS,
        logger: mockServices.logger.mock(),
      });
      const step = async () => {
        expect(await engine.step(id)).toBe(true);
        return (await store.get(id))!;
      };
      const cluster = (c: StoredCampaign, name: string) =>
        c.plan.rings.flatMap(r => r.clusters).find(k => k.cluster === name)!;
      const events = async (type?: string) =>
        (await store.events(id))
          .filter(e => !type || e.type === type)
          .map(e => e.message);
      return { store, world, id, step, cluster, events };
    }

    it('requeues an unreachable cluster its retries, marks it, and pauses the ring when its policy says so', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop']] },
              { cluster: 'prod-us', waves: [['shop']] },
            ],
          },
        ]),
      );
      t.world.inventories.set('prod-us', new Error('connect ECONNREFUSED'));
      let c = await t.step();
      expect(t.cluster(c, 'prod-us')).toMatchObject({
        state: 'pending',
        retries: 1,
        message: 'unreachable (1/2): connect ECONNREFUSED',
      });
      expect(t.world.running().map(r => r.cluster)).toEqual(['prod-eu']);
      t.world.finishAll();
      c = await t.step();
      expect(t.cluster(c, 'prod-us')).toMatchObject({
        state: 'pending',
        retries: 2,
      });
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('succeeded');
      // The third failure is past the retries: marked, and the ring's policy (the default) stops it.
      c = await t.step();
      expect(c.state).toBe('paused');
      expect(t.cluster(c, 'prod-us').state).toBe('unreachable');
      expect(t.cluster(c, 'prod-eu').state).toBe('done');
      expect(c.pausedReason).toMatch(/Ring prod: prod-us stayed unreachable/);
      expect(c.plan.rings[0].state).toBe('running');
      expect(await t.events('cluster')).toContain(
        'Cluster prod-us marked unreachable after 2 retries',
      );
      // No request was ever made on the unreachable cluster.
      expect(t.world.made.filter(r => r.cluster === 'prod-us')).toEqual([]);
    });

    it('goes on with the rest of the ring when its policy allows an unreachable cluster, and completes the ring', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            continueOnUnreachable: true,
            clusters: [
              { cluster: 'prod-eu', waves: [['shop']] },
              { cluster: 'prod-us', waves: [['shop']] },
            ],
          },
        ]),
        { soakSeconds: 60 },
      );
      // Reachable, but its inventory never synced: just as unusable.
      const stale = inventoryOf('prod-us', ['shop']);
      stale.cluster.sync = {
        complete: false,
        state: 'error',
        error: 'Unauthorized',
      };
      t.world.inventories.set('prod-us', stale);
      await t.step();
      t.world.finishAll();
      await t.step();
      let c = await t.step();
      expect(t.cluster(c, 'prod-us')).toMatchObject({
        state: 'unreachable',
        retries: 3,
        message: 'unreachable (3/2): Unauthorized',
      });
      expect(c.plan.rings[0].state).toBe('soaking');
      expect(c.state).toBe('running');
      t.world.advance(60);
      c = await t.step();
      expect(c.state).toBe('succeeded');
      expect(c.plan.rings[0].state).toBe('succeeded');
      expect(t.cluster(c, 'prod-eu').state).toBe('done');
      expect(t.world.made.map(r => r.cluster)).toEqual(['prod-eu']);
    });

    it('finishes the wave running when its window closes, starts no other until the window opens again', async () => {
      const window: MaintenanceWindow = {
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        start: '10:00',
        end: '11:00',
        timeZone: 'UTC',
      };
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              {
                cluster: 'prod-eu',
                waves: [['shop'], ['search']],
                windows: [window],
              },
            ],
          },
        ]),
      );
      let c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('running');
      const first = t.world.running();
      expect(first.map(r => r.target.namespace)).toEqual(['shop']);

      // 11:05: the window closed; the wave's request goes on and is followed to its end.
      t.world.clock = Date.parse('2026-12-02T11:05:00.000Z');
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('running');
      t.world.finish(first[0].id, 'succeeded');
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('succeeded');

      // The next wave waits for the window.
      c = await t.step();
      expect(t.cluster(c, 'prod-eu')).toMatchObject({
        state: 'waiting-window',
        nextWindowAt: '2026-12-03T10:00:00.000Z',
      });
      expect(t.cluster(c, 'prod-eu').waves[1].state).toBe('pending');
      expect(c.state).toBe('running');
      t.world.clock = Date.parse('2026-12-03T09:59:59.000Z');
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').state).toBe('waiting-window');
      expect(t.world.made).toHaveLength(1);
      expect(
        (await t.events('window')).filter(m => m.includes('waits')),
      ).toHaveLength(1);

      // The window opens: the wave starts.
      t.world.clock = Date.parse('2026-12-03T10:00:00.000Z');
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').state).toBe('running');
      expect(t.cluster(c, 'prod-eu').nextWindowAt).toBeUndefined();
      expect(t.cluster(c, 'prod-eu').waves[1].state).toBe('running');
      expect(t.world.running().map(r => r.target.namespace)).toEqual([
        'search',
      ]);
    });

    it("waits for the owners' notice before a wave, and tells the owners once", async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop', 'cart'], ['search']] },
            ],
          },
        ]),
        { notifyAheadSeconds: 3600 },
      );
      let c = await t.step();
      expect(c.state).toBe('running');
      // One notice per wave, each to the owners of its namespaces.
      expect(t.world.ownerNotices.map(n => n.owners)).toEqual([
        [
          'component:default/shop-app',
          'group:default/team',
          'component:default/cart-app',
        ],
        ['component:default/search-app', 'group:default/team'],
      ]);
      expect(t.world.made).toEqual([]);
      expect(t.cluster(c, 'prod-eu').message).toBe(
        "wave 1 starts after its owners' notice, at 2026-12-02T11:30:00.000Z",
      );
      const schedules = await t.store.schedules(t.id);
      expect(schedules.map(s => [s.namespace, s.notifiedAt])).toEqual([
        ['cart', '2026-12-02T10:30:00.000Z'],
        ['search', '2026-12-02T10:30:00.000Z'],
        ['shop', '2026-12-02T10:30:00.000Z'],
      ]);

      t.world.advance(3599);
      c = await t.step();
      expect(t.world.made).toEqual([]);
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('pending');

      t.world.advance(1);
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('running');
      expect(t.world.made.map(r => r.target.namespace)).toEqual([
        'shop',
        'cart',
      ]);
      t.world.finishAll();
      await t.step();
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[1].state).toBe('running');
      t.world.finishAll();
      await t.step();
      c = await t.step();
      expect(c.state).toBe('succeeded');
      // Told once, however many steps ran.
      expect(t.world.ownerNotices).toHaveLength(2);
      expect(await t.events('notified')).toHaveLength(2);
    });

    it('moves a namespace deferred before its ring started to a wave that waits until its time', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop', 'search'], ['cart']] },
            ],
          },
        ]),
      );
      const until = new Date(T0 + 2 * 3600_000).toISOString();
      await t.store.defer(t.id, 'prod-eu', 'shop', until, 'user:default/carol');
      // Deferred before the ring started (the campaign awaited approval): its wave starts without it.
      let c = await t.step();
      let waves = t.cluster(c, 'prod-eu').waves;
      expect(
        waves.map(w => [
          w.index,
          w.state,
          w.namespaces.map(ns => ns.namespace),
          w.requests.map(r => r.target.namespace),
          w.message,
        ]),
      ).toEqual([
        [0, 'running', ['search'], ['search'], undefined],
        [1, 'pending', ['cart'], ['cart'], undefined],
        [2, 'pending', ['shop'], ['shop'], `deferred until ${until}`],
      ]);
      expect(await t.events('deferred')).toEqual([
        `shop deferred until ${until} by user:default/carol`,
      ]);
      t.world.finishAll();
      await t.step();
      await t.step();
      t.world.finishAll();
      await t.step();
      // Waves 1 and 2 done: the deferred wave waits for its time.
      c = await t.step();
      waves = t.cluster(c, 'prod-eu').waves;
      expect(waves.map(w => w.state)).toEqual([
        'succeeded',
        'succeeded',
        'pending',
      ]);
      expect(t.cluster(c, 'prod-eu').message).toBe(
        `wave 3 is deferred until ${until}`,
      );
      expect(t.world.running()).toEqual([]);
      t.world.clock = Date.parse(until);
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[2].state).toBe('running');
      expect(t.world.running().map(r => r.target.namespace)).toEqual(['shop']);
      // The deferral is told once.
      expect(await t.events('deferred')).toHaveLength(1);
    });

    it('moves an opted-in namespace into the earliest wave that has not started', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop'], ['cart'], ['search']] },
            ],
          },
        ]),
        { notifyAheadSeconds: 60 },
      );
      let c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('pending');
      await t.store.optIn(
        t.id,
        'prod-eu',
        'search',
        'user:default/carol',
        new Date(T0).toISOString(),
      );
      c = await t.step();
      const waves = t.cluster(c, 'prod-eu').waves;
      expect(
        waves.map(w => [w.state, w.namespaces.map(ns => ns.namespace)]),
      ).toEqual([
        ['pending', ['shop', 'search']],
        ['pending', ['cart']],
        ['skipped', []],
      ]);
      expect(waves[0].requests.map(r => r.target.namespace)).toEqual([
        'shop',
        'search',
      ]);
      expect(await t.events('opt-in')).toEqual([
        'search moved into wave 1 (opted in by user:default/carol)',
      ]);
      t.world.advance(60);
      c = await t.step();
      expect(t.world.made.map(r => r.target.namespace)).toEqual([
        'shop',
        'search',
      ]);
      expect(await t.events('opt-in')).toHaveLength(1);
    });

    it('finishes the running wave when a pause is asked, then pauses; a resume goes on', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [{ cluster: 'prod-eu', waves: [['shop'], ['search']] }],
          },
        ]),
      );
      let c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('running');
      expect(await t.store.requestPause(t.id)).toBe(true);
      c = await t.step();
      expect(c.state).toBe('running');
      expect(c.pauseRequested).toBe(true);
      t.world.finishAll();
      c = await t.step();
      expect(c.state).toBe('paused');
      expect(c.pausedReason).toBe(
        'paused on request; the waves in progress finished',
      );
      expect(c.pauseRequested).toBe(false);
      expect(t.cluster(c, 'prod-eu').waves.map(w => w.state)).toEqual([
        'succeeded',
        'pending',
      ]);
      expect(t.world.made).toHaveLength(1);
      // A paused campaign is not the engine's.
      expect(await t.store.findRunnable(20)).not.toContain(t.id);

      // Resume as the service does.
      expect(
        await t.store.transition(
          t.id,
          ['paused'],
          'running',
          { pausedReason: null, pauseRequested: false },
          { type: 'resumed', message: 'Resumed by user:default/bob' },
        ),
      ).toBe(true);
      c = await t.step();
      expect(c.state).toBe('running');
      expect(c.pausedReason).toBeUndefined();
      expect(t.cluster(c, 'prod-eu').waves[1].state).toBe('running');
      t.world.finishAll();
      await t.step();
      c = await t.step();
      expect(c.state).toBe('succeeded');
    });

    it("pauses on a failed request and rolls back the wave's succeeded requests", async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              {
                cluster: 'prod-eu',
                waves: [['shop', 'cart', 'search'], ['web']],
              },
            ],
          },
        ]),
      );
      await t.step();
      const [shop, cart, search] = t.world.running();
      t.world.finish(shop.id, 'succeeded');
      t.world.finish(cart.id, 'failed', 'pods not ready after 300 s');
      let c = await t.step();
      // One request still runs: the wave waits for it.
      expect(c.state).toBe('running');
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('running');
      t.world.finish(search.id, 'succeeded');
      c = await t.step();
      expect(c.state).toBe('paused');
      expect(c.pausedReason).toBe(
        `prod-eu, wave 1 failed: ${cart.id} failed: pods not ready after 300 s`,
      );
      const wave = t.cluster(c, 'prod-eu').waves[0];
      expect(wave.state).toBe('failed');
      expect(t.cluster(c, 'prod-eu').state).toBe('failed');
      // The succeeded ones are rolled back, newest first; the failed one is not.
      const rollbacks = t.world.made.filter(r => r.rollbackOf);
      expect(rollbacks.map(r => r.rollbackOf)).toEqual([search.id, shop.id]);
      expect(wave.requestIds).toEqual([
        shop.id,
        cart.id,
        search.id,
        ...rollbacks.map(r => r.id),
      ]);
      expect(t.cluster(c, 'prod-eu').waves[1].state).toBe('pending');
      expect(t.world.made.some(r => r.target.namespace === 'web')).toBe(false);
    });

    it('pauses without a rollback when the gate cannot judge, and judges again after a resume', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [{ cluster: 'prod-eu', waves: [['shop']], gated: true }],
          },
        ]),
      );
      await t.step();
      t.world.finishAll();
      let c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('gating');
      // The gate's window is not over yet: nothing judged.
      t.world.advance(59);
      c = await t.step();
      expect(t.world.judged).toEqual([]);
      t.world.advance(1);
      t.world.gateOutcome = 'unknown';
      c = await t.step();
      expect(t.world.judged).toEqual([
        {
          cluster: 'prod-eu',
          subjects: [{ kind: 'namespace', namespace: 'shop' }],
        },
      ]);
      expect(c.state).toBe('paused');
      expect(c.pausedReason).toBe(
        'prod-eu, wave 1: the health gate could not judge: no traffic in the window',
      );
      const wave = t.cluster(c, 'prod-eu').waves[0];
      expect(wave).toMatchObject({
        state: 'gating',
        gate: { outcome: 'unknown' },
      });
      expect(t.world.made.filter(r => r.rollbackOf)).toEqual([]);

      await t.store.transition(
        t.id,
        ['paused'],
        'running',
        { pausedReason: null, pauseRequested: false },
        { type: 'resumed', message: 'Resumed' },
      );
      t.world.gateOutcome = 'passed';
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').waves[0]).toMatchObject({
        state: 'succeeded',
        gate: { outcome: 'passed' },
      });
    });

    it('rolls back a wave whose gate fails, and pauses with the reason', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop', 'cart']], gated: true },
            ],
          },
        ]),
      );
      await t.step();
      const originals = t.world.finishAll();
      await t.step();
      t.world.advance(60);
      t.world.gateOutcome = 'failed';
      const c = await t.step();
      expect(c.state).toBe('paused');
      expect(c.pausedReason).toMatch(
        /^Health gate failed on prod-eu, wave 1; the wave is rolled back\. namespace shop: 5xx/,
      );
      expect(t.cluster(c, 'prod-eu').waves[0].state).toBe('rolled-back');
      expect(
        t.world.made.filter(r => r.rollbackOf).map(r => r.rollbackOf),
      ).toEqual([...originals].reverse());
    });

    it("aborts: the ring's succeeded requests are rolled back newest wave first, and the campaign ends aborted", async () => {
      const t = await setup(
        planOf([
          {
            name: 'staging',
            clusters: [{ cluster: 'staging', waves: [['shop']] }],
          },
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop'], ['cart'], ['search']] },
            ],
          },
        ]),
      );
      // Ring staging goes through and soaks (0 s), then ring prod runs two waves.
      await t.step();
      t.world.finishAll();
      await t.step();
      await t.step();
      let c = await t.step();
      expect(c.plan.rings[0].state).toBe('succeeded');
      expect(c.currentRing).toBe(1);
      const [shop] = t.world.finishAll();
      await t.step();
      c = await t.step();
      const [cart] = t.world.running();
      expect(t.cluster(c, 'prod-eu').waves.map(w => w.state)).toEqual([
        'succeeded',
        'running',
        'pending',
      ]);
      expect(
        await t.store.transition(
          t.id,
          ['running'],
          'aborting',
          {},
          { type: 'aborted', message: 'Abort asked by user:default/bob' },
        ),
      ).toBe(true);
      // Wave 2 still runs: nothing is rolled back before it ends (newest wave first); the pending wave is skipped.
      c = await t.step();
      expect(c.state).toBe('aborting');
      expect(t.world.made.filter(r => r.rollbackOf)).toEqual([]);
      expect(t.cluster(c, 'prod-eu').waves[2].state).toBe('skipped');
      t.world.finish(cart.id, 'succeeded');
      c = await t.step();
      const rollbacks = () =>
        t.world.made.filter(r => r.rollbackOf).map(r => r.rollbackOf);
      expect(rollbacks()).toEqual([cart.id]);
      expect(c.state).toBe('aborting');
      // Asked once, however many steps run while the rollback runs; wave 1 waits for it.
      c = await t.step();
      expect(rollbacks()).toEqual([cart.id]);
      t.world.finishAll();
      c = await t.step();
      expect(rollbacks()).toEqual([cart.id, shop]);
      expect(t.cluster(c, 'prod-eu').waves[1].state).toBe('rolled-back');
      expect(c.state).toBe('aborting');
      t.world.finishAll();
      c = await t.step();
      expect(c.state).toBe('aborted');
      expect(c.finishedAt).toBeDefined();
      expect(c.plan.rings[1].state).toBe('aborted');
      expect(t.cluster(c, 'prod-eu')).toMatchObject({ state: 'rolled-back' });
      expect(t.cluster(c, 'prod-eu').waves.map(w => w.state)).toEqual([
        'rolled-back',
        'rolled-back',
        'skipped',
      ]);
      // The ring that succeeded before stays as it was.
      expect(c.plan.rings[0].state).toBe('succeeded');
      expect(
        t.world.made.filter(r => r.cluster === 'staging' && r.rollbackOf),
      ).toEqual([]);
      // The campaign no longer holds its clusters.
      expect(await t.store.activeFor('prod-eu')).toBeUndefined();
    });

    it('honours a pause asked after a cluster was skipped mid-wave', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop'], ['cart']] },
              { cluster: 'prod-us', waves: [['shop'], ['cart']] },
            ],
          },
        ]),
      );
      await t.step();
      // prod-us is skipped while its first wave runs; the campaign no longer follows that wave.
      await t.store.requestSkip(t.id, 'prod-us');
      let c = await t.step();
      expect(t.cluster(c, 'prod-us').state).toBe('skipped');
      await t.store.requestPause(t.id);
      const euShop = t.world.running().find(r => r.cluster === 'prod-eu')!;
      t.world.finish(euShop.id, 'succeeded');
      c = await t.step();
      expect(c.state).toBe('paused');
      expect(c.pausedReason).toBe(
        'paused on request; the waves in progress finished',
      );
      expect(t.cluster(c, 'prod-eu').waves.map(w => w.state)).toEqual([
        'succeeded',
        'pending',
      ]);
    });

    it('keeps a namespace both deferred and opted in where its deferral puts it, moving it once', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop'], ['cart'], ['search']] },
            ],
          },
        ]),
        { notifyAheadSeconds: 60 },
      );
      const until = new Date(T0 + 3600_000).toISOString();
      await t.store.defer(
        t.id,
        'prod-eu',
        'search',
        until,
        'user:default/carol',
      );
      await t.store.optIn(
        t.id,
        'prod-eu',
        'search',
        'user:default/carol',
        new Date(T0).toISOString(),
      );
      let c = await t.step();
      for (let i = 0; i < 3; i++) c = await t.step();
      expect(
        t
          .cluster(c, 'prod-eu')
          .waves.map(w => [w.state, w.namespaces.map(ns => ns.namespace)]),
      ).toEqual([
        ['pending', ['shop']],
        ['pending', ['cart']],
        ['skipped', []],
        ['pending', ['search']],
      ]);
      expect(await t.events('deferred')).toHaveLength(1);
      expect(await t.events('opt-in')).toHaveLength(0);
    });

    it('skips a cluster: its pending waves are skipped and the ring completes without it', async () => {
      const t = await setup(
        planOf([
          {
            name: 'prod',
            clusters: [
              { cluster: 'prod-eu', waves: [['shop'], ['cart']] },
              { cluster: 'prod-us', waves: [['shop'], ['cart']] },
            ],
          },
        ]),
        { soakSeconds: 60 },
      );
      let c = await t.step();
      t.world.finishAll();
      c = await t.step();
      expect(t.cluster(c, 'prod-us').waves[0].state).toBe('succeeded');
      expect(await t.store.requestSkip(t.id, 'prod-us')).toBe(true);
      c = await t.step();
      expect(t.cluster(c, 'prod-us')).toMatchObject({ state: 'skipped' });
      expect(t.cluster(c, 'prod-us').waves.map(w => w.state)).toEqual([
        'succeeded',
        'skipped',
      ]);
      expect(await t.events('cluster')).toContain('Cluster prod-us skipped');
      t.world.finishAll();
      await t.step();
      c = await t.step();
      expect(t.cluster(c, 'prod-eu').state).toBe('done');
      expect(c.plan.rings[0].state).toBe('soaking');
      t.world.advance(60);
      c = await t.step();
      expect(c.state).toBe('succeeded');
      expect(
        t.world.made
          .filter(r => r.cluster === 'prod-us')
          .map(r => r.target.namespace),
      ).toEqual(['shop']);
      expect(
        (await t.events('cluster')).filter(m => m.includes('skipped')),
      ).toHaveLength(1);
    });
  },
);
