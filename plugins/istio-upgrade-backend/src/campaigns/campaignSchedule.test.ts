import {
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import {
  apiAs,
  FAST_REQUESTS,
  ownedComponent,
} from '../testing/__testUtils__/requestTestKit';

jest.setTimeout(300_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol';
const DAVE = 'user:default/dave';
const MAX_DEFER_SECONDS = 600;

/**
 * Owners and a campaign through the REST API on the demo fleet: a component's namespaces in the
 * campaign's waves with what its owner may do, one deferral within the campaign's limit, an opt-in
 * into the earliest wave, refusals with their status, and the deferral in the campaign's events.
 * Owners are told 30 s ahead, so the waves wait while owners change their schedule.
 */
describe("owners' defer and opt-in through the REST API", () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const api = (user: string) => apiAs(() => backend.server, user);

  const waves = async (user: string, component: string) => {
    const res = await api(user).get(
      `/entities/component/default/${component}/campaign-waves`,
    );
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['demo'], speed: 20 });
    backend = await startInventoryTestBackend(simulator, {
      token: 'admin',
      entities: [
        ownedComponent('storefront', 'shop', CAROL),
        ownedComponent('search-api', 'search', DAVE),
      ],
      config: {
        permission: { enabled: true },
        istioUpgrade: {
          requests: FAST_REQUESTS,
          campaigns: {
            engineInterval: { milliseconds: 300 },
            notifyAhead: { seconds: 30 },
            defaultSoak: { seconds: 2 },
          },
        },
      },
    });
    await eventually(async () => {
      const res = await api(ALICE).get('/clusters/prod-eu/inventory');
      return res.body?.cluster?.sync?.complete ? res.body : undefined;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('lets an owner defer once within the limit and opt in once, refuses others, and logs the deferral', async () => {
    const body = {
      name: 'prod-eu to 1.30.4',
      targetVersion: '1.30.4',
      rings: [{ name: 'prod', clusters: ['prod-eu'] }],
      waves: { namespacesPerWave: 1 },
      maxDeferSeconds: MAX_DEFER_SECONDS,
    };
    const plan = await api(ALICE).post('/campaigns', { ...body, dryRun: true });
    expect(plan.status).toBe(200);
    // The smallest namespaces first, one a wave: payments, search, then shop.
    const planned = plan.body.rings[0].clusters[0].waves.map((w: any) => [
      w.kind,
      w.namespaces.map((n: any) => n.namespace),
    ]);
    expect(planned.slice(0, 3)).toEqual([
      ['namespaces', ['payments']],
      ['namespaces', ['search']],
      ['namespaces', ['shop']],
    ]);
    const created = await api(ALICE).post('/campaigns', body);
    expect(created.status).toBe(202);
    const id = created.body.id;
    const campaign = async () =>
      (await api(ALICE).get(`/campaigns/${id}`)).body;
    // Before approval nothing is scheduled to start and nobody was told.
    expect(await waves(CAROL, 'storefront')).toEqual([
      expect.objectContaining({
        campaignId: id,
        cluster: 'prod-eu',
        namespace: 'shop',
        state: 'pending',
        canDefer: true,
      }),
    ]);
    expect((await api(BOB).post(`/campaigns/${id}/approve`)).status).toBe(200);

    // The ring starts: owners are told, and the waves wait 30 s for them.
    const [shop] = await eventually(async () => {
      const items = await waves(CAROL, 'storefront');
      return items[0]?.notifiedAt ? items : undefined;
    });
    expect(shop).toEqual({
      campaignId: id,
      campaignName: 'prod-eu to 1.30.4',
      cluster: 'prod-eu',
      namespace: 'shop',
      ring: 'prod',
      wave: 2,
      state: 'pending',
      notifiedAt: expect.any(String),
      canDefer: true,
      canOptIn: true,
      maxDeferSeconds: MAX_DEFER_SECONDS,
    });
    const [search] = await waves(DAVE, 'search-api');
    expect(search).toMatchObject({
      namespace: 'search',
      wave: 1,
      state: 'pending',
      canDefer: true,
      canOptIn: true,
    });

    const change = {
      cluster: 'prod-eu',
      namespace: 'shop',
      entityRef: 'component:default/storefront',
    };
    // Longer than the campaign allows: refused with the limit.
    const tooLong = await api(CAROL).post(`/campaigns/${id}/namespaces/defer`, {
      ...change,
      seconds: MAX_DEFER_SECONDS + 1,
    });
    expect({
      status: tooLong.status,
      message: tooLong.body.error?.message,
    }).toEqual({
      status: 400,
      message: `A deferral of ${
        MAX_DEFER_SECONDS + 1
      } s is longer than this campaign allows (${MAX_DEFER_SECONDS} s)`,
    });
    // Someone whose entity has no workloads in shop may not move it.
    const stranger = await api(DAVE).post(`/campaigns/${id}/namespaces/defer`, {
      ...change,
      entityRef: 'component:default/search-api',
    });
    expect({
      status: stranger.status,
      message: stranger.body.error?.message,
    }).toEqual({
      status: 403,
      message:
        'Not allowed: component:default/search-api has no workloads in prod-eu/shop',
    });

    const deferred = await api(CAROL).post(
      `/campaigns/${id}/namespaces/defer`,
      { ...change, seconds: 45 },
    );
    expect(deferred.status).toBe(200);
    expect(deferred.body).toMatchObject({
      namespace: 'shop',
      deferredBy: CAROL,
      deferredUntil: expect.any(String),
      canDefer: false,
    });
    const until = Date.parse(deferred.body.deferredUntil);
    expect(until - Date.now()).toBeGreaterThan(40_000);
    expect(until - Date.now()).toBeLessThanOrEqual(45_000);
    // Once per namespace and campaign.
    const again = await api(CAROL).post(`/campaigns/${id}/namespaces/defer`, {
      ...change,
      seconds: 10,
    });
    expect({
      status: again.status,
      message: again.body.error?.message,
    }).toEqual({
      status: 409,
      message: 'prod-eu/shop was already deferred once in this campaign',
    });

    // Dave opts search into the earliest wave, once.
    const optIn = {
      cluster: 'prod-eu',
      namespace: 'search',
      entityRef: 'component:default/search-api',
    };
    const opted = await api(DAVE).post(
      `/campaigns/${id}/namespaces/opt-in`,
      optIn,
    );
    expect(opted.status).toBe(200);
    expect(opted.body).toMatchObject({
      namespace: 'search',
      optedInBy: DAVE,
      canOptIn: false,
    });
    const optedAgain = await api(DAVE).post(
      `/campaigns/${id}/namespaces/opt-in`,
      optIn,
    );
    expect(optedAgain.status).toBe(409);

    // The platform team sees the deferral and the opt-in in the campaign's events.
    const logged = (await campaign()).events.map((e: any) => [
      e.type,
      e.actor,
      e.message,
    ]);
    expect(logged).toEqual(
      expect.arrayContaining([
        [
          'deferred',
          CAROL,
          `${CAROL} deferred shop until ${deferred.body.deferredUntil}`,
        ],
        ['opt-in', DAVE, `${DAVE} opted search into the earliest wave`],
      ]),
    );

    // The engine takes both in before the first wave starts: search joins payments, shop waits in a
    // wave of its own after the others.
    const moved = await eventually(async () => {
      const c = await campaign();
      const w = c.plan.rings[0].clusters[0].waves;
      return w.some((x: any) => x.message?.startsWith('deferred until'))
        ? w
        : undefined;
    });
    expect(
      moved
        .filter((w: any) => w.kind === 'namespaces')
        .map((w: any) => [
          w.namespaces.map((n: any) => n.namespace),
          w.message ?? '',
        ]),
    ).toEqual([
      [['payments', 'search'], ''],
      [[], 'every namespace moved to another wave'],
      [[], 'every namespace moved to another wave'],
      [['shop'], `deferred until ${deferred.body.deferredUntil}`],
    ]);
    expect(moved[0].state).toBe('pending');
    const [shopNow] = await waves(CAROL, 'storefront');
    expect(shopNow).toMatchObject({
      wave: 3,
      state: 'pending',
      deferredBy: CAROL,
      canDefer: false,
    });

    // The campaign runs to its end; shop is migrated only after its deferral.
    const done = await eventually(
      async () => {
        const c = await campaign();
        return ['succeeded', 'paused', 'failed'].includes(c.state)
          ? c
          : undefined;
      },
      240_000,
      500,
    );
    expect({ state: done.state, reason: done.pausedReason }).toEqual({
      state: 'succeeded',
      reason: undefined,
    });
    const requests = (
      await api(ALICE).get('/requests?cluster=prod-eu&limit=200')
    ).body.items.filter(
      (r: any) => r.campaignId === id && r.type === 'namespace-migration',
    );
    const requestedAt = (ns: string) =>
      Date.parse(
        requests.find((r: any) => r.target.namespace === ns).requestedAt,
      );
    expect(requestedAt('shop')).toBeGreaterThanOrEqual(until);
    expect(requestedAt('search')).toBeLessThan(until);
    expect(
      Math.abs(requestedAt('search') - requestedAt('payments')),
    ).toBeLessThan(5_000);
    expect(
      (await campaign()).events.filter((e: any) => e.type === 'deferred'),
    ).toHaveLength(2);
  });
});
