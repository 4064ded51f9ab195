import { isDeepStrictEqual } from 'node:util';
import {
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import {
  eventually,
  startInventoryTestBackend,
} from '../testing/__testUtils__/inventoryTestBackend';
import {
  inventoryMatchingKubectl,
  MatchingInventory,
} from '../testing/__testUtils__/kubectlTruth';

jest.setTimeout(240_000);

const BOOKINFO = [
  'details-v1',
  'productpage-v1',
  'ratings-v1',
  'reviews-v1',
  'reviews-v2',
  'reviews-v3',
];

describe('the inventory says what kubectl says', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const inventory = async () => {
    const res = await backend.get('/clusters/seed/inventory');
    expect(res.status).toBe(200);
    return res.body;
  };

  const converged = (
    accept?: (state: MatchingInventory) => boolean,
  ): Promise<MatchingInventory> =>
    inventoryMatchingKubectl(backend.get, simulator, 'seed', { accept });

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
    backend = await startInventoryTestBackend(simulator);
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('before, while and after a kubectl-driven migration of bookinfo', async () => {
    const before = await converged();
    expect(before.truth.namespaces.bookinfo).toEqual({ '1-9-7@1.9.7': 6 });
    expect(Object.keys(before.truth.workloads).length).toBeGreaterThan(10);
    const bookinfoBefore = before.body.namespaces.find(
      (n: any) => n.name === 'bookinfo',
    );
    expect(bookinfoBefore).toMatchObject({
      desiredRevision: '1-9-7',
      podsNeedingRestart: 0,
    });

    await simulator.kubectl([
      'label',
      'ns',
      'bookinfo',
      'istio-injection-',
      'istio.io/rev=1-10-4',
      '--overwrite',
    ]);
    // Relabelled, not yet restarted: every pod still runs 1-9-7 and now needs a restart.
    const relabelled = await eventually(async () => {
      const body = await inventory();
      const ns = body.namespaces.find((n: any) => n.name === 'bookinfo');
      return ns.desiredRevision === '1-10-4' ? ns : undefined;
    }, 30_000);
    expect(relabelled).toMatchObject({
      injectionMode: 'revision',
      revisionLabel: '1-10-4',
      podsNeedingRestart: 6,
      podsByRevision: [{ revision: '1-9-7', version: '1.9.7', count: 6 }],
    });

    await simulator.kubectl([
      'rollout',
      'restart',
      'deployment',
      '-n',
      'bookinfo',
    ]);
    for (const name of BOOKINFO) {
      await simulator.kubectl(
        [
          'rollout',
          'status',
          `deployment/${name}`,
          '-n',
          'bookinfo',
          '--timeout=120s',
        ],
        { timeoutMs: 130_000 },
      );
    }

    // Converged once the old pods have terminated, not merely while they still do.
    const after = await converged(state =>
      isDeepStrictEqual(state.truth.namespaces.bookinfo, {
        '1-10-4@1.10.4': 6,
      }),
    );
    const bookinfoAfter = after.body.namespaces.find(
      (n: any) => n.name === 'bookinfo',
    );
    expect(bookinfoAfter).toMatchObject({
      desiredRevision: '1-10-4',
      podsNeedingRestart: 0,
      podsByRevision: [{ revision: '1-10-4', version: '1.10.4', count: 6 }],
    });
    for (const name of BOOKINFO) {
      expect(
        after.body.workloads.find(
          (w: any) => w.namespace === 'bookinfo' && w.name === name,
        ),
      ).toMatchObject({ podsByRevision: [{ revision: '1-10-4', count: 1 }] });
    }
  });
});

describe('every demo cluster says what kubectl says', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Awaited<ReturnType<typeof startInventoryTestBackend>>;

  const matches = (
    cluster: string,
    accept?: (state: MatchingInventory) => boolean,
  ) => inventoryMatchingKubectl(backend.get, simulator, cluster, { accept });

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['demo'], speed: 20 });
    backend = await startInventoryTestBackend(simulator);
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('with tags, drift, an ambient namespace, a StatefulSet and a DaemonSet, and after a restart onto the canary tag', async () => {
    for (const cluster of ['prod-eu', 'prod-us', 'staging']) {
      await matches(cluster);
    }
    // payments asks for the canary tag while its pods still run the prod revision.
    const drifted = await matches('prod-eu');
    expect(
      drifted.body.namespaces.find((n: any) => n.name === 'payments'),
    ).toMatchObject({
      injectionMode: 'tag',
      tag: 'canary',
      podsNeedingRestart: 3,
    });

    await simulator.kubectl([
      '--context',
      'prod-eu',
      'rollout',
      'restart',
      'deployment/payments-api',
      '-n',
      'payments',
    ]);
    await simulator.kubectl([
      '--context',
      'prod-eu',
      'rollout',
      'status',
      'deployment/payments-api',
      '-n',
      'payments',
      '--timeout=120s',
    ]);
    const restarted = await matches(
      'prod-eu',
      state =>
        Object.keys(state.truth.namespaces.payments).length === 1 &&
        !state.truth.namespaces.payments['default-v1-30-1@1.30.1'],
    );
    expect(
      restarted.body.namespaces.find((n: any) => n.name === 'payments'),
    ).toMatchObject({ podsNeedingRestart: 0 });
  });
});
