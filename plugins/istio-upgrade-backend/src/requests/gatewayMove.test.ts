import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import {
  apiAs,
  settleRequest,
  kubectlItems,
} from '../testing/__testUtils__/requestTestKit';

jest.setTimeout(300_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/**
 * Gateway API gateways on the simulator's `gateway-api` scenario: seen in the inventory with their
 * revisions, moved to another revision by a request (its exact write planned, approved by someone
 * else, executed, then rolled back), named by a tag move's plan, and put back at once when they lose
 * their endpoints during the watch window.
 */
describe('Gateway API gateways', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const api = (user: string) => apiAs(() => backend.server, user);

  const settle = (id: string) => settleRequest(api(ALICE), id);

  const inventory = async () =>
    (await api(ALICE).get('/clusters/gwapi/inventory')).body;
  const gatewayApiGateway = async (name: string) =>
    (await inventory()).gatewayApiGateways.find((g: any) => g.name === name);
  const revisionLabel = async (gateway: string) =>
    JSON.parse(
      await simulator.kubectl([
        'get',
        'gateways.gateway.networking.k8s.io',
        gateway,
        '-n',
        'ingress',
        '-o',
        'json',
      ]),
    ).metadata.labels?.['istio.io/rev'];
  /** The revision of each live pod of a gateway, from `sidecar.istio.io/status`. */
  const podRevisions = async (gateway: string) =>
    kubectlItems(
      await simulator.kubectl([
        'get',
        'pods',
        '-n',
        'ingress',
        '-l',
        `gateway.networking.k8s.io/gateway-name=${gateway}`,
        '-o',
        'json',
      ]),
    )
      .filter(p => !p.metadata.deletionTimestamp)
      // istiod renders these pods itself (not injected): the revision is their istio.io/rev annotation.
      .map(p => p.metadata.annotations['istio.io/rev']);

  beforeAll(async () => {
    simulator = await startMeshSimulator({
      scenarios: ['gateway-api'],
      speed: 20,
    });
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    backend = await startInventoryTestBackend(simulator, {
      token: 'admin',
      config: {
        permission: { enabled: true },
        istioUpgrade: {
          ...setup.config.istioUpgrade,
          requests: {
            pollIntervalMs: 200,
            sweepInterval: { seconds: 1 },
            leaseTtl: { seconds: 5 },
            defaults: { pauseBetweenWavesSeconds: 0, watchWindowSeconds: 3 },
          },
        },
      },
    });
    await eventually(async () => {
      const body = await inventory();
      return body?.cluster?.sync?.complete &&
        body.gatewayApiGateways?.length === 2 &&
        body.gatewayApiGateways.every((g: any) => g.readyReplicas === 1)
        ? body
        : undefined;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('shows each Gateway API gateway with its revision (through its tag), its Deployment, ready pods and the revision they run', async () => {
    const { gatewayApiGateways } = await inventory();
    expect(gatewayApiGateways).toEqual([
      {
        namespace: 'ingress',
        name: 'api',
        gatewayClassName: 'istio',
        revisionLabel: 'stable',
        tag: 'stable',
        revision: '1-29-1',
        deployment: 'api-istio',
        deployed: true,
        replicas: 1,
        readyReplicas: 1,
        podsByRevision: [{ revision: '1-29-1', version: '1.29.1', count: 1 }],
        programmed: true,
        resourceVersion: expect.any(String),
      },
      {
        namespace: 'ingress',
        name: 'web',
        gatewayClassName: 'istio',
        revisionLabel: '1-29-1',
        revision: '1-29-1',
        deployment: 'web-istio',
        deployed: true,
        replicas: 1,
        readyReplicas: 1,
        podsByRevision: [{ revision: '1-29-1', version: '1.29.1', count: 1 }],
        programmed: true,
        resourceVersion: expect.any(String),
      },
    ]);
  });

  it('plans a gateway move with its exact write, runs it once approved, and rolls it back', async () => {
    const move = {
      type: 'gateway-move',
      cluster: 'gwapi',
      revision: '1-30-1',
      target: { namespace: 'ingress', gateway: 'web' },
    };
    const dryRun = await api(ALICE).post('/requests', {
      ...move,
      dryRun: true,
    });
    expect(dryRun.status).toBe(200);
    const { resourceVersion } = await gatewayApiGateway('web');
    expect(dryRun.body.plan).toMatchObject({
      fromRevision: '1-29-1',
      toRevision: '1-30-1',
      podsInScope: 1,
      waves: [],
      patches: [
        {
          step: 'relabel-gateway',
          kind: 'Gateway',
          namespace: 'ingress',
          name: 'web',
          patchType: 'merge',
          patch: {
            metadata: {
              resourceVersion,
              labels: { 'istio.io/rev': '1-30-1' },
            },
          },
          precondition: resourceVersion,
        },
      ],
      rollbackPatches: [
        {
          step: 'relabel-gateway',
          kind: 'Gateway',
          namespace: 'ingress',
          name: 'web',
          patchType: 'merge',
          patch: { metadata: { labels: { 'istio.io/rev': '1-29-1' } } },
        },
      ],
    });
    expect(dryRun.body.prechecks.passed).toBe(true);
    expect(dryRun.body.approvalRequired).toBe(true);
    expect(await revisionLabel('web')).toBe('1-29-1');

    // A revision without a control plane fails its prechecks.
    const nowhere = await api(ALICE).post('/requests', {
      ...move,
      revision: '1-31-0',
      dryRun: true,
    });
    expect(
      nowhere.body.prechecks.checks.find((c: any) => c.id === 'target-exists'),
    ).toMatchObject({ status: 'fail' });

    // Approved as a cutover is: by someone other than its requester.
    const created = await api(ALICE).post('/requests', move);
    expect(created.status).toBe(202);
    expect(created.body.state).toBe('pending-approval');
    expect(
      (await api(BOB).post(`/requests/${created.body.id}/approve`)).status,
    ).toBe(200);
    const done = await settle(created.body.id);
    expect(done.error ?? '').toBe('');
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((s: any) => [s.name, s.state])).toEqual([
      ['precheck', 'succeeded'],
      ['relabel-gateway', 'succeeded'],
      ['verify-gateway', 'succeeded'],
      ['gateway-watch-window', 'succeeded'],
    ]);
    expect(done.events.filter((e: any) => e.type === 'cluster-write')).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^patch gateway ingress\/web labels to \{"istio.io\/rev":"1-30-1"\} at resourceVersion \d+$/,
        ),
      }),
    ]);
    expect(await revisionLabel('web')).toBe('1-30-1');
    expect(await podRevisions('web')).toEqual(['1-30-1']);
    await eventually(async () => {
      const web = await gatewayApiGateway('web');
      return web.revision === '1-30-1' &&
        web.podsByRevision.length === 1 &&
        web.podsByRevision[0].revision === '1-30-1'
        ? web
        : undefined;
    });

    // The rollback is a request of its own: the label goes back, and so do the pods.
    const rollback = await api(ALICE).post(
      `/requests/${created.body.id}/rollback`,
    );
    expect(rollback.status).toBe(202);
    expect(rollback.body).toMatchObject({
      type: 'gateway-move',
      revision: '1-29-1',
      rollbackOf: created.body.id,
    });
    await api(BOB).post(`/requests/${rollback.body.id}/approve`);
    const undone = await settle(rollback.body.id);
    expect(undone.error ?? '').toBe('');
    expect(undone.state).toBe('succeeded');
    expect(await revisionLabel('web')).toBe('1-29-1');
    expect(await podRevisions('web')).toEqual(['1-29-1']);
    expect(
      (await api(ALICE).get(`/requests/${created.body.id}`)).body,
    ).toMatchObject({ state: 'rolled-back', rolledBackBy: rollback.body.id });
  });

  it('warns in a tag move plan of the Gateway API gateways the move restarts at once', async () => {
    const plan = await api(ALICE).post('/requests', {
      type: 'revision-tag-move',
      cluster: 'gwapi',
      revision: '1-30-1',
      target: { tag: 'stable' },
      dryRun: true,
    });
    expect(plan.status).toBe(200);
    expect(plan.body.plan.warnings).toEqual([
      'Moving tag stable restarts 1 Gateway API gateway at once, before any wave: istiod of 1-30-1 redeploys ingress/api (1 pod)',
    ]);
    // The prechecks say it too, as a warning that does not stop the move.
    expect(
      plan.body.prechecks.checks.find(
        (c: any) => c.id === 'gateway-api-restarts',
      ),
    ).toEqual({
      id: 'gateway-api-restarts',
      status: 'warn',
      message:
        'istiod of 1-30-1 will redeploy the Gateway API gateways that name stable at once: ingress/api',
    });
    const other = await api(ALICE).post('/requests', {
      type: 'revision-tag-move',
      cluster: 'gwapi',
      revision: '1-30-1',
      target: { tag: 'default' },
      dryRun: true,
    });
    expect(other.body.plan.warnings).toBeUndefined();
  });

  it('puts the label back at once when the moved gateway loses its endpoints during the watch window', async () => {
    const created = await api(ALICE).post('/requests', {
      type: 'gateway-move',
      cluster: 'gwapi',
      revision: '1-30-1',
      target: { namespace: 'ingress', gateway: 'api' },
      options: { watchWindowSeconds: 60 },
    });
    expect(created.status).toBe(202);
    await api(BOB).post(`/requests/${created.body.id}/approve`);
    await eventually(async () => {
      const res = await api(ALICE).get(`/requests/${created.body.id}`);
      return res.body.steps.find((s: any) => s.name === 'gateway-watch-window')
        ?.state === 'running'
        ? res
        : undefined;
    }, 120_000);
    expect(await revisionLabel('api')).toBe('1-30-1');

    // The new gateway dies during the window.
    await simulator.kubectl([
      'scale',
      'deployment',
      'api-istio',
      '-n',
      'ingress',
      '--replicas=0',
    ]);
    const done = await settle(created.body.id);
    expect(done.state).toBe('rolled-back');
    expect(done.events.map((e: any) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^api-istio lost its endpoints .*: putting the Gateway's label back at once$/,
        ),
      ]),
    );
    expect(done.steps.map((s: any) => [s.name, s.state])).toEqual([
      ['precheck', 'succeeded'],
      ['relabel-gateway', 'succeeded'],
      ['verify-gateway', 'succeeded'],
      ['gateway-watch-window', 'failed'],
      ['rollback-relabel-gateway', 'succeeded'],
      ['rollback-verify-gateway', 'succeeded'],
    ]);
    // Back on the tag it named.
    expect(await revisionLabel('api')).toBe('stable');
  });
});
