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
  podRevisionsFromKubectl,
} from '../testing/__testUtils__/kubectlTruth';

jest.setTimeout(240_000);

type Backend = Awaited<ReturnType<typeof startInventoryTestBackend>>;

const SETTINGS = { staleAfter: { seconds: 3 } };

/** kubectl, retried while injected faults make its reads fail. */
const kubectlRetrying = (simulator: MeshSimulatorProcess, args: string[]) =>
  eventually(() => simulator.kubectl(args), 60_000, 100);

const onlyRevision =
  (namespace: string, revision: string) => (state: MatchingInventory) => {
    const keys = Object.keys(state.truth.namespaces[namespace] ?? {});
    return keys.length === 1 && keys[0].startsWith(`${revision}@`);
  };

const syncOf = async (backend: Backend, cluster: string) => {
  const res = await backend.get('/clusters');
  return res.body.items.find((c: any) => c.name === cluster).sync;
};

/**
 * Reads a cluster's inventory continuously and keeps every answer that claims to be complete while
 * holding fewer pods or namespaces than the cluster ever has (a half-listed state served as whole).
 */
const monitors = new Set<{ stop(): Promise<unknown> }>();

// A monitor must not outlive its test (and read a backend that is gone), even when the test fails.
afterEach(async () => {
  await Promise.all([...monitors].map(m => m.stop()));
});

function watchForPartialInventories(
  backend: Backend,
  cluster: string,
  floor: { pods: number; namespaces: number },
) {
  const violations: unknown[] = [];
  let reads = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await backend.get(`/clusters/${cluster}/inventory`);
      reads += 1;
      if (res.status !== 200) {
        violations.push({ status: res.status, body: res.body });
        continue;
      }
      const { complete } = res.body.cluster.sync;
      const { pods, namespaces } = res.body.totals;
      if (complete && (pods < floor.pods || namespaces < floor.namespaces)) {
        violations.push({
          sync: res.body.cluster.sync,
          totals: res.body.totals,
        });
      }
      await new Promise(r => setTimeout(r, 50));
    }
  })();
  const monitor = {
    async stop() {
      running = false;
      monitors.delete(monitor);
      await loop;
      return { violations, reads };
    },
  };
  monitors.add(monitor);
  return monitor;
}

async function floorOf(simulator: MeshSimulatorProcess, cluster: string) {
  const truth = await podRevisionsFromKubectl(simulator, cluster);
  const namespaces = Object.values(truth.namespaces);
  return {
    namespaces: namespaces.length,
    pods: namespaces.reduce(
      (sum, tally) => sum + Object.values(tally).reduce((a, b) => a + b, 0),
      0,
    ),
  };
}

describe('the inventory under API-server faults', () => {
  let simulator: MeshSimulatorProcess;
  let backend: Backend;

  beforeAll(async () => {
    simulator = await startMeshSimulator({
      scenarios: ['seed', 'demo'],
      speed: 20,
    });
    backend = await startInventoryTestBackend(simulator, {
      inventory: SETTINGS,
    });
  });

  afterEach(async () => {
    for (const cluster of ['seed', 'prod-eu']) {
      await simulator.sim('DELETE', `clusters/${cluster}/faults`);
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('serves a cluster whose pods cannot be listed as incomplete, without stalling the other clusters, and completes once they can', async () => {
    await simulator.sim('POST', 'clusters/seed/faults', {
      rules: [{ verbs: ['list'], resources: ['pods'], rate: 1, status: 500 }],
    });
    // A backend started while the fault holds: its first list of seed's pods cannot succeed.
    const starting = await startInventoryTestBackend(simulator, {
      inventory: SETTINGS,
    });
    try {
      // The healthy clusters sync meanwhile.
      await inventoryMatchingKubectl(starting.get, simulator, 'prod-eu');
      await inventoryMatchingKubectl(starting.get, simulator, 'staging');

      for (let i = 0; i < 10; i++) {
        const res = await starting.get('/clusters/seed/inventory');
        expect(res.status).toBe(200);
        expect(res.body.cluster.sync).toMatchObject({
          complete: false,
          state: 'error',
          error: expect.stringContaining('500 InternalError'),
        });
        expect(res.body.cluster.sync.lastSyncedAt).toBeUndefined();
        await new Promise(r => setTimeout(r, 100));
      }

      await simulator.sim('DELETE', 'clusters/seed/faults');
      await inventoryMatchingKubectl(starting.get, simulator, 'seed');
      const sync = await syncOf(starting, 'seed');
      expect(sync).toMatchObject({ state: 'synced', complete: true });
      expect(sync.error).toBeUndefined();
    } finally {
      await starting.stop();
    }
  });

  it('recovers from 500s and 429s with Retry-After on every list and watch, never serving a partial inventory as complete', async () => {
    const floor = await floorOf(simulator, 'seed');
    const monitor = watchForPartialInventories(backend, 'seed', floor);
    await simulator.sim('POST', 'clusters/seed/faults', {
      rules: [
        { verbs: ['list', 'watch'], resources: ['*'], rate: 0.3, status: 500 },
        {
          verbs: ['list', 'watch'],
          resources: ['*'],
          rate: 0.5,
          status: 429,
          retryAfterSeconds: 1,
        },
      ],
    });
    // Every watch must reopen through the faults.
    await simulator.sim('POST', 'clusters/seed/stats/reset');
    await simulator.sim('POST', 'clusters/seed/watches/drop');

    await kubectlRetrying(simulator, [
      '--context',
      'seed',
      'label',
      'ns',
      'bookinfo',
      'istio-injection-',
      'istio.io/rev=1-10-4',
      '--overwrite',
    ]);
    await kubectlRetrying(simulator, [
      '--context',
      'seed',
      'rollout',
      'restart',
      'deployment',
      '-n',
      'bookinfo',
    ]);

    // Under the faults, the API (read alone: kubectl's reads would fail too) shows the migration done.
    await eventually(async () => {
      const res = await backend.get('/clusters/seed/inventory');
      const bookinfo = res.body.namespaces.find(
        (n: any) => n.name === 'bookinfo',
      );
      return (
        res.body.cluster.sync.complete &&
        bookinfo.podsByRevision.length === 1 &&
        bookinfo.podsByRevision[0].revision === '1-10-4' &&
        bookinfo.podsByRevision[0].count === 6
      );
    }, 90_000);
    // Without faults the eight dropped watches reopen with eight requests; more means the faults were
    // met and retried (all eight passing at once has a chance of 0.35^8, under 0.03 %).
    const { byVerb } = await simulator.sim('GET', 'clusters/seed/stats');
    expect(byVerb.watch).toBeGreaterThan(8);
    await simulator.sim('DELETE', 'clusters/seed/faults');
    const migrated = await inventoryMatchingKubectl(
      backend.get,
      simulator,
      'seed',
      { accept: onlyRevision('bookinfo', '1-10-4') },
    );
    expect(migrated.truth.namespaces.bookinfo).toEqual({ '1-10-4@1.10.4': 6 });

    const { violations, reads } = await monitor.stop();
    expect(reads).toBeGreaterThan(10);
    expect(violations).toEqual([]);
  });

  it('resumes a dropped watch from its last resourceVersion, without listing again', async () => {
    await simulator.sim('POST', 'clusters/seed/stats/reset');
    await simulator.sim('POST', 'clusters/seed/watches/drop');
    await simulator.kubectl([
      '--context',
      'seed',
      'label',
      'ns',
      'nginx',
      'istio.io/rev=1-10-4',
      '--overwrite',
    ]);
    await simulator.kubectl([
      '--context',
      'seed',
      'rollout',
      'restart',
      'deployment',
      '-n',
      'nginx',
    ]);
    // Read the API only (kubectl's own lists would count in the simulator's statistics).
    await eventually(async () => {
      const res = await backend.get('/clusters/seed/inventory');
      const nginx = res.body.namespaces.find((n: any) => n.name === 'nginx');
      return (
        nginx.podsByRevision.length === 1 &&
        nginx.podsByRevision[0].revision === '1-10-4'
      );
    });
    const stats = await simulator.sim('GET', 'clusters/seed/stats');
    expect(stats.byVerbAndResource['watch pods']).toBeGreaterThanOrEqual(1);
    // kubectl listed the deployments it restarted; nothing else was listed.
    const lists = Object.keys(stats.byVerbAndResource).filter(
      key => key.startsWith('list ') && key !== 'list deployments.apps',
    );
    expect(lists).toEqual([]);

    await inventoryMatchingKubectl(backend.get, simulator, 'seed', {
      accept: onlyRevision('nginx', '1-10-4'),
    });
  });

  it('reports staleness while a cluster is unreachable, keeps serving its last inventory, lets the others follow their changes, and recovers', async () => {
    const before = await inventoryMatchingKubectl(
      backend.get,
      simulator,
      'seed',
    );
    await simulator.sim('POST', 'clusters/seed/faults', { unreachable: true });
    await simulator.sim('POST', 'clusters/seed/watches/drop');

    const stale = await eventually(async () => {
      const sync = await syncOf(backend, 'seed');
      return sync.state === 'error' && sync.stalenessSeconds > 3
        ? sync
        : undefined;
    }, 60_000);
    expect(stale).toMatchObject({
      complete: true,
      error: expect.any(String),
      lastSyncedAt: expect.any(String),
    });
    const served = await backend.get('/clusters/seed/inventory');
    expect(served.status).toBe(200);
    expect(served.body.totals).toEqual(before.body.totals);
    expect(served.body.cluster.sync.state).toBe('error');
    const later = await eventually(async () => {
      const sync = await syncOf(backend, 'seed');
      return sync.stalenessSeconds > stale.stalenessSeconds ? sync : undefined;
    }, 30_000);
    expect(later.lastSyncedAt).toBe(stale.lastSyncedAt);

    // prod-eu is not held up: a migration there shows while seed is down.
    await simulator.kubectl([
      '--context',
      'prod-eu',
      'label',
      'ns',
      'shop',
      'istio.io/rev=canary',
      '--overwrite',
    ]);
    await simulator.kubectl([
      '--context',
      'prod-eu',
      'rollout',
      'restart',
      'deployment',
      '-n',
      'shop',
    ]);
    await inventoryMatchingKubectl(backend.get, simulator, 'prod-eu', {
      accept: onlyRevision('shop', 'default-v1-30-4'),
    });
    expect((await syncOf(backend, 'seed')).state).toBe('error');

    await simulator.sim('DELETE', 'clusters/seed/faults');
    await eventually(async () => {
      const sync = await syncOf(backend, 'seed');
      return sync.state === 'synced' && sync.error === undefined;
    }, 60_000);
    await simulator.kubectl([
      '--context',
      'seed',
      'scale',
      'deployment/ratings-v1',
      '-n',
      'bookinfo',
      '--replicas=3',
    ]);
    const recovered = await inventoryMatchingKubectl(
      backend.get,
      simulator,
      'seed',
      {
        accept: state =>
          Object.values(
            state.truth.workloads['bookinfo/Deployment/ratings-v1'],
          ).reduce((a, b) => a + b, 0) === 3,
      },
    );
    expect(recovered.body.cluster.sync.stalenessSeconds).toBeLessThan(3);
  });
});

describe('the inventory after a watch resumes too late (410 Gone)', () => {
  const HISTORY = 40;
  let simulator: MeshSimulatorProcess;
  let backend: Backend;

  beforeAll(async () => {
    simulator = await startMeshSimulator({
      scenarios: ['seed'],
      speed: 20,
      history: HISTORY,
    });
    backend = await startInventoryTestBackend(simulator, {
      inventory: SETTINGS,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('lists again and converges, keeping the last whole inventory meanwhile', async () => {
    await inventoryMatchingKubectl(backend.get, simulator, 'seed');
    const floor = await floorOf(simulator, 'seed');
    // The newest resourceVersion among objects that change in a rollout: how far the cluster moved.
    const resourceVersion = async () =>
      Math.max(
        ...JSON.parse(
          await simulator.kubectl([
            'get',
            'pods,replicasets,deployments,endpoints',
            '-A',
            '-o',
            'json',
          ]),
        ).items.map((i: any) => Number(i.metadata.resourceVersion)),
      );
    const start = await resourceVersion();

    // Watches cannot reopen while the cluster changes far beyond its history window.
    await simulator.sim('POST', 'clusters/seed/faults', {
      rules: [{ verbs: ['watch'], resources: ['*'], rate: 1, status: 500 }],
    });
    await simulator.sim('POST', 'clusters/seed/watches/drop');
    await simulator.kubectl([
      'label',
      'ns',
      'bookinfo',
      'istio-injection-',
      'istio.io/rev=1-10-4',
      '--overwrite',
    ]);
    await simulator.kubectl([
      'rollout',
      'restart',
      'deployment',
      '-n',
      'bookinfo',
    ]);
    await eventually(
      async () => (await resourceVersion()) - start > HISTORY * 3,
    );

    const monitor = watchForPartialInventories(backend, 'seed', floor);
    await simulator.sim('POST', 'clusters/seed/stats/reset');
    await simulator.sim('DELETE', 'clusters/seed/faults');
    await eventually(async () => {
      const res = await backend.get('/clusters/seed/inventory');
      const bookinfo = res.body.namespaces.find(
        (n: any) => n.name === 'bookinfo',
      );
      return (
        bookinfo.podsByRevision.length === 1 &&
        bookinfo.podsByRevision[0].revision === '1-10-4'
      );
    }, 90_000);
    const stats = await simulator.sim('GET', 'clusters/seed/stats');
    expect(stats.byVerbAndResource['list pods']).toBeGreaterThanOrEqual(1);

    await inventoryMatchingKubectl(backend.get, simulator, 'seed', {
      accept: onlyRevision('bookinfo', '1-10-4'),
    });
    const { violations } = await monitor.stop();
    expect(violations).toEqual([]);
  });
});
