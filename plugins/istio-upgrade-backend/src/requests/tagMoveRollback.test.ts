import {
  meshSimulatorBackendSetup,
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import { apiAs, settleRequest } from '../testing/__testUtils__/requestTestKit';

jest.setTimeout(180_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/**
 * What `istioctl tag set` writes for a tag, as kubectl reads it: the tag's injection webhook (its
 * revision label and where it sends pods), the default validator (for the default tag) and the tag's
 * Service (which istiod it selects).
 */
async function tagObjects(simulator: MeshSimulatorProcess, tag: string) {
  const json = async (args: string[]) =>
    JSON.parse(await simulator.kubectl([...args, '-o', 'json']));
  const webhooks = (
    await json([
      'get',
      'mutatingwebhookconfigurations',
      '-l',
      `istio.io/tag=${tag}`,
    ])
  ).items.map((w: any) => ({
    name: w.metadata.name,
    revision: w.metadata.labels?.['istio.io/rev'],
    clientConfigs: w.webhooks.map((h: any) => ({
      service: h.clientConfig.service,
      url: h.clientConfig.url,
    })),
  }));
  const validators = (
    await json(['get', 'validatingwebhookconfigurations'])
  ).items
    .filter((v: any) => v.metadata.name === `istiod-${tag}-validator`)
    .map((v: any) => ({
      revision: v.metadata.labels?.['istio.io/rev'],
      clientConfigs: v.webhooks.map((h: any) => ({
        service: h.clientConfig.service,
        url: h.clientConfig.url,
      })),
    }));
  const services = (await json(['get', 'services', '-n', 'istio-system'])).items
    .filter((s: any) => s.metadata.name === `istiod-revision-tag-${tag}`)
    .map((s: any) => ({
      revision: s.metadata.labels?.['istio.io/rev'],
      selector: s.spec.selector,
    }));
  return { webhooks, validators, services };
}

/**
 * Rolling back a revision tag move on the seed cluster: the default tag moves from 1-9-7 to 1-10-4
 * (approved by someone else), then its rollback puts back exactly what was there, as kubectl sees it,
 * and a pod created in a namespace that follows the tag is injected by the old revision again.
 */
describe('rolling back a revision tag move', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const api = (user: string) => apiAs(() => backend.server, user);

  const settle = (id: string) => settleRequest(api(ALICE), id, 120_000);

  /** The revision that injects a new pod of a namespace labelled istio-injection=enabled. */
  const injectedRevision = async (name: string) => {
    await simulator.kubectl([
      'run',
      name,
      '-n',
      'bookinfo',
      '--image=docker.io/library/busybox:1.36',
      '--restart=Never',
    ]);
    const pod = JSON.parse(
      await simulator.kubectl([
        'get',
        'pod',
        name,
        '-n',
        'bookinfo',
        '-o',
        'json',
      ]),
    );
    await simulator.kubectl(['delete', 'pod', name, '-n', 'bookinfo']);
    return JSON.parse(pod.metadata.annotations['sidecar.istio.io/status'])
      .revision as string;
  };

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
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
          },
        },
      },
    });
    await eventually(async () => {
      const res = await api(ALICE).get('/clusters/seed/inventory');
      return res.body?.cluster?.sync?.complete ? res.body : undefined;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('puts back the webhook, the validator and the Service the move changed', async () => {
    const before = await tagObjects(simulator, 'default');
    expect(before.webhooks.map((w: any) => w.revision)).toEqual(['1-9-7']);
    expect(await injectedRevision('probe-before')).toBe('1-9-7');

    const move = await api(ALICE).post('/requests', {
      type: 'revision-tag-move',
      cluster: 'seed',
      revision: '1-10-4',
      target: { tag: 'default' },
    });
    expect(move.status).toBe(202);
    expect(
      (await api(BOB).post(`/requests/${move.body.id}/approve`)).status,
    ).toBe(200);
    expect((await settle(move.body.id)).state).toBe('succeeded');

    const moved = await tagObjects(simulator, 'default');
    expect(moved.webhooks.map((w: any) => w.revision)).toEqual(['1-10-4']);
    expect(moved.validators.map((v: any) => v.revision)).toEqual(
      before.validators.map(() => '1-10-4'),
    );
    expect(moved.services.map((s: any) => s.selector)).toEqual(
      before.services.map(() => ({ app: 'istiod', 'istio.io/rev': '1-10-4' })),
    );
    expect(moved.webhooks).not.toEqual(before.webhooks);
    expect(await injectedRevision('probe-moved')).toBe('1-10-4');

    // The tag's new place is in the inventory before the rollback is asked for.
    await eventually(async () => {
      const res = await api(ALICE).get('/clusters/seed/inventory');
      return res.body.tags?.find((t: any) => t.name === 'default')?.revision ===
        '1-10-4'
        ? true
        : undefined;
    }, 30_000);

    const rollback = await api(ALICE).post(
      `/requests/${move.body.id}/rollback`,
    );
    expect(rollback.status).toBe(202);
    // A tag move's rollback is itself a tag move, and is approved like one.
    expect(rollback.body).toMatchObject({
      type: 'revision-tag-move',
      rollbackOf: move.body.id,
      state: 'pending-approval',
    });
    expect(
      (await api(BOB).post(`/requests/${rollback.body.id}/approve`)).status,
    ).toBe(200);
    expect((await settle(rollback.body.id)).state).toBe('succeeded');

    expect(await tagObjects(simulator, 'default')).toEqual(before);
    expect(await injectedRevision('probe-after')).toBe('1-9-7');
    const original = (await api(ALICE).get(`/requests/${move.body.id}`)).body;
    expect(original.rolledBackBy).toBe(rollback.body.id);
  });
});
