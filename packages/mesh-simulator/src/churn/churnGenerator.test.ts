import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceTypeNamed } from '../api/resourceTypes';
import { parseServeArguments } from '../cli/serveArguments';
import { SimClock } from '../clock/simClock';
import { SimulatedCluster } from '../cluster/simulatedCluster';
import { fleetScenario } from '../scenarios/fleetScenario';
import {
  loadScenarioCluster,
  scenarioFlows,
} from '../scenarios/scenarioLoader';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';
import { ChurnGenerator, restartedAtAnnotation } from './churnGenerator';

jest.setTimeout(120000);

const deployments = resourceTypeNamed('deployments');

/** Two fleet clusters of 500 app pods (50 Deployments of 10) on a clock the test moves. */
function fleetOnManualClock() {
  let realNow = Date.parse('2026-06-01T00:00:00Z');
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow);
  const clock = new SimClock(1);
  const clusters = new Map<string, SimulatedCluster>();
  for (const spec of fleetScenario(2, 506).clusters) {
    const cluster = new SimulatedCluster(spec.name, clock, {
      historyWindow: 100000,
      bookmarkIntervalMs: 10000,
      flows: scenarioFlows(spec),
      log: () => {},
    });
    loadScenarioCluster(cluster, spec);
    clusters.set(spec.name, cluster);
  }
  const churn = new ChurnGenerator(clusters, clock);
  /** Moves the clock by `seconds` in 50 ms ticks, as the simulator's ticker does. */
  const run = (seconds: number) => {
    for (let i = 0; i < seconds * 20; i++) {
      realNow += 50;
      churn.tick();
      for (const c of clusters.values()) c.tick();
    }
  };
  /** A stalled event loop: the clock moves `seconds` before the next tick. */
  const stall = (seconds: number) => {
    realNow += seconds * 1000;
    churn.tick();
    for (const c of clusters.values()) c.tick();
  };
  return {
    clock,
    clusters,
    churn,
    run,
    stall,
    restore: () => spy.mockRestore(),
  };
}

describe('the churn generator on the simulated clock', () => {
  let fleet: ReturnType<typeof fleetOnManualClock>;

  beforeEach(() => {
    fleet = fleetOnManualClock();
  });

  afterEach(() => {
    fleet.churn.stop();
    fleet.restore();
  });

  it('paces restarts so pods created and deleted per second approach the target', () => {
    const { churn, run } = fleet;
    churn.start(40);
    run(60);
    const status = churn.status();
    expect(status.running).toBe(true);
    expect(status.elapsedSeconds).toBe(60);
    // Each restart of a 10-replica Deployment is expected to make 20 changes: 2 restarts a second.
    expect(status.restartsIssued).toBeGreaterThanOrEqual(119);
    expect(status.restartsIssued).toBeLessThanOrEqual(121);
    expect(status.expectedPodChanges).toBe(status.restartsIssued * 20);
    // What the controllers did: the last restarts' rollouts are still going.
    expect(status.podsCreated).toBeGreaterThan(0.85 * 120 * 10);
    expect(status.podsDeleted).toBeGreaterThan(0.8 * 120 * 10);
    expect(status.podChangesObserved).toBeLessThanOrEqual(
      status.expectedPodChanges,
    );
    expect(status.achievedPodChangesPerSecond).toBeGreaterThan(34);
    expect(status.achievedPodChangesPerSecond).toBeLessThan(46);
    expect(status.workloads).toBe(100);

    // A new target takes over at once; stopping keeps the figures and issues nothing more.
    churn.start(100);
    run(20);
    const faster = churn.status();
    expect(faster.restartsIssued - status.restartsIssued).toBeGreaterThan(95);
    const stopped = churn.stop();
    expect(stopped.running).toBe(false);
    expect(stopped.podChangesPerSecond).toBe(0);
    run(5);
    expect(churn.status().restartsIssued).toBe(stopped.restartsIssued);
  });

  it('reports the achieved rate over its window as the pod changes of the last 10 s, wherever in a second the window starts', () => {
    const { churn, clusters, clock, run } = fleet;
    const at: number[] = [];
    for (const c of clusters.values()) {
      c.store.subscribe(change => {
        if (
          change.typeKey === 'pods' &&
          (change.type === 'ADDED' || change.type === 'DELETED')
        ) {
          at.push(clock.now());
        }
      });
    }
    churn.start(40);
    run(60);
    // Half a second on, the window starts half way through a second.
    run(0.5);
    const now = clock.now();
    const exact = at.filter(t => t > now - 10000).length / 10;
    const reported = churn.status().achievedPodChangesPerSecond;
    expect(Math.abs(reported - exact)).toBeLessThanOrEqual(0.5);
  });

  it('makes up the changes a stalled event loop left undone, at up to twice the target, instead of losing them', () => {
    const { churn, run, stall } = fleet;
    churn.start(40);
    run(10);
    const before = churn.status();
    expect(before.backlogPodChanges).toBeLessThanOrEqual(40);
    // Five seconds without a tick: 200 pod changes (10 restarts) are due at once.
    stall(5);
    const stalled = churn.status();
    // One tick pays at most twice the target over a quarter second, not the whole backlog.
    expect(stalled.restartsIssued - before.restartsIssued).toBeLessThanOrEqual(
      2,
    );
    expect(stalled.backlogPodChanges).toBeGreaterThanOrEqual(150);
    // At twice the target the backlog is gone within about five seconds...
    run(6);
    const caughtUp = churn.status();
    expect(caughtUp.backlogPodChanges).toBeLessThanOrEqual(40);
    // ...and over the whole run the restarts match the target: 21 s at 2 restarts a second.
    expect(caughtUp.restartsIssued).toBeGreaterThanOrEqual(41);
    expect(caughtUp.restartsIssued).toBeLessThanOrEqual(43);
    // A backlog beyond 30 s of target is dropped rather than issued as an avalanche.
    stall(120);
    expect(churn.status().backlogPodChanges).toBeLessThanOrEqual(30 * 40);
    expect(churn.stop().backlogPodChanges).toBe(0);
  });

  it('restarts Deployments as kubectl rollout restart does, round-robin over clusters and namespaces, never control planes or gateways', () => {
    const { churn, clusters, run } = fleet;
    const before = new Map<string, string>();
    for (const [name, c] of clusters) {
      for (const d of c.store.list(deployments)) {
        before.set(
          `${name}/${d.metadata.namespace}/${d.metadata.name}`,
          d.spec.template.metadata?.annotations?.[restartedAtAnnotation],
        );
      }
    }
    churn.start(200);
    run(1);
    const restarted: Array<{ cluster: string; d: any }> = [];
    for (const [name, c] of clusters) {
      for (const d of c.store.list(deployments)) {
        const at =
          d.spec.template.metadata?.annotations?.[restartedAtAnnotation];
        if (
          at &&
          at !==
            before.get(`${name}/${d.metadata.namespace}/${d.metadata.name}`)
        ) {
          restarted.push({ cluster: name, d });
        }
      }
    }
    // 200 changes a second of 20 each: 10 restarts, 5 per cluster, each in another namespace.
    expect(restarted.length).toBe(10);
    for (const name of clusters.keys()) {
      const mine = restarted.filter(r => r.cluster === name);
      expect(mine).toHaveLength(5);
      expect(new Set(mine.map(r => r.d.metadata.namespace)).size).toBe(5);
    }
    for (const { d } of restarted) {
      expect(d.metadata.namespace).toMatch(/^team-/);
      expect(d.metadata.generation).toBe(2);
      expect(
        d.metadata.managedFields.some(
          (f: any) =>
            f.manager === 'kubectl-rollout' && f.operation === 'Update',
        ),
      ).toBe(true);
    }
    // Over longer churn, still no gateway or control plane is touched.
    run(30);
    const outsideTeams = [...clusters.values()].flatMap(c =>
      c.store
        .list(deployments)
        .filter(d => !d.metadata.namespace!.startsWith('team-')),
    );
    expect(outsideTeams.length).toBeGreaterThan(0);
    expect(
      outsideTeams.filter(
        d => d.spec.template.metadata?.annotations?.[restartedAtAnnotation],
      ),
    ).toEqual([]);
  });

  it('refuses negative, zero, non-numeric and absurd rates', () => {
    const { churn } = fleet;
    for (const rate of [-1, 0, Number.NaN, Infinity, 1e9]) {
      expect(() => churn.start(rate)).toThrow(/podChangesPerSecond/);
    }
    expect(churn.status().running).toBe(false);
  });
});

/** Opens a pod watch on one cluster and collects its events. */
function watchPods(t: TestSimulator, cluster: string, resourceVersion: string) {
  const events: Array<{ type: string; object: any }> = [];
  let buffer = '';
  const request = https.get(
    `${t.sim.url}/clusters/${cluster}/api/v1/pods?watch=true&resourceVersion=${resourceVersion}`,
    {
      ca: t.sim.caPem,
      headers: { Authorization: `Bearer ${t.sim.adminToken}` },
    },
    res => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.trim()) events.push(JSON.parse(line));
          newline = buffer.indexOf('\n');
        }
      });
    },
  );
  request.on('error', () => {});
  return { events, close: () => request.destroy() };
}

describe('/sim/v1/churn and /sim/v1/stats', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({ scenarios: ['fleet:2x106'], speed: 10 });
  });

  afterAll(async () => {
    await t.stop();
  });

  // First, while no rollout is under way, so the pod counts hold still.
  it('reports its memory, CPU and load times in /sim/v1/stats and mesh-sim.json', async () => {
    const answer = await t.request('GET', '/sim/v1/stats?gc=true');
    expect(answer.status).toBe(200);
    const stats = answer.body;
    expect(stats.pid).toBe(process.pid);
    expect(stats.memory.heapUsedBytes).toBeGreaterThan(0);
    expect(stats.memory.rssBytes).toBeGreaterThanOrEqual(
      stats.memory.heapUsedBytes,
    );
    expect(stats.heapLimitBytes).toBeGreaterThan(stats.memory.heapUsedBytes);
    // Two clusters' loads, each within its history window (10,000 changes at most).
    expect(stats.historyChanges).toBeGreaterThan(2 * 106);
    expect(stats.historyChanges).toBeLessThanOrEqual(2 * 10000);
    expect(stats.cpu.userMicros).toBeGreaterThan(0);
    expect(stats.load.clusters.map((c: any) => c.name)).toEqual([
      'fleet-001',
      'fleet-002',
    ]);
    for (const c of stats.load.clusters) {
      expect(c.scenario).toBe('fleet:2x106');
      expect(c.loadMs).toBeGreaterThan(0);
      expect(c.pods).toBeGreaterThanOrEqual(100);
      expect(c.objects).toBeGreaterThan(c.pods);
    }
    expect(stats.load.scenarios).toEqual([
      expect.objectContaining({ scenario: 'fleet:2x106', clusters: 2 }),
    ]);
    const [scenario] = stats.load.scenarios;
    expect(scenario.loadMs).toBeGreaterThanOrEqual(
      stats.load.clusters[0].loadMs + stats.load.clusters[1].loadMs - 1,
    );
    expect(stats.load.totalMs).toBeGreaterThanOrEqual(scenario.loadMs);
    expect(stats.objects.clusters).toBe(2);
    expect(stats.objects.pods).toBe(
      (await t.request('GET', '/clusters/fleet-001/api/v1/pods')).body.items
        .length +
        (await t.request('GET', '/clusters/fleet-002/api/v1/pods')).body.items
          .length,
    );
    expect(t.sim.stats().load).toEqual(stats.load);

    const state = JSON.parse(
      readFileSync(join(t.stateDir, 'mesh-sim.json'), 'utf8'),
    );
    expect(state.load.totalMs).toBe(stats.load.totalMs);
    expect(state.load.scenarios).toEqual(stats.load.scenarios);
    expect(state.memoryAfterLoad.heapUsedBytes).toBeGreaterThan(0);
    expect(state.memoryAfterLoad.rssBytes).toBeGreaterThan(0);
  });

  it('answers 400 for negative, zero, missing or absurd rates', async () => {
    for (const body of [
      { podChangesPerSecond: -5 },
      { podChangesPerSecond: 0 },
      { podChangesPerSecond: 'fast' },
      {},
      { podChangesPerSecond: 1e7 },
    ]) {
      const answer = await t.request('POST', '/sim/v1/churn', body);
      expect(answer.status).toBe(400);
      expect(answer.body.reason).toBe('BadRequest');
    }
    const status = await t.request('GET', '/sim/v1/churn');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      running: false,
      podChangesPerSecond: 0,
      restartsIssued: 0,
    });
  });

  it('restarts Deployments that watchers see as ordinary watch events, and reports what it achieved', async () => {
    const list = await t.request('GET', '/clusters/fleet-001/api/v1/pods');
    const watch = watchPods(t, 'fleet-001', list.body.metadata.resourceVersion);
    try {
      const started = await t.request('POST', '/sim/v1/churn', {
        podChangesPerSecond: 40,
      });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({
        running: true,
        podChangesPerSecond: 40,
        workloads: 20,
      });
      await t.eventually(
        () =>
          watch.events.some(e => e.type === 'ADDED') &&
          watch.events.some(e => e.type === 'DELETED'),
        60000,
      );
      const added = watch.events.find(e => e.type === 'ADDED')!;
      expect(added.object.kind).toBe('Pod');
      expect(added.object.metadata.namespace).toMatch(/^team-/);
      expect(
        added.object.metadata.annotations?.[restartedAtAnnotation],
      ).toBeDefined();
      const status = await t.request('GET', '/sim/v1/churn');
      expect(status.body.restartsIssued).toBeGreaterThan(0);
      expect(status.body.podChangesObserved).toBeGreaterThan(0);
      expect(status.body.achievedPodChangesPerSecond).toBeGreaterThan(0);
      const stats = await t.request('GET', '/sim/v1/stats');
      expect(stats.body.churn.running).toBe(true);
    } finally {
      watch.close();
    }
    const stopped = await t.request('DELETE', '/sim/v1/churn');
    expect(stopped.status).toBe(200);
    expect(stopped.body.running).toBe(false);
    expect(stopped.body.restartsIssued).toBeGreaterThan(0);
  });

  it('needs the simulator admin token', async () => {
    const token = t.sim.clusters[0].tokens.admin;
    for (const [method, path] of [
      ['GET', '/sim/v1/stats'],
      ['POST', '/sim/v1/churn'],
    ]) {
      const answer = await t.request(
        method,
        path,
        { podChangesPerSecond: 10 },
        {},
        token,
      );
      expect(answer.status).toBe(403);
    }
  });
});

describe('mesh-sim serve --churn', () => {
  it('parses the target and refuses negative, zero or absurd ones', () => {
    expect(
      parseServeArguments(['--scenario', 'seed', '--churn', '1000'], '/tmp')
        .churnPodChangesPerSecond,
    ).toBe(1000);
    expect(
      parseServeArguments(['--scenario', 'seed'], '/tmp')
        .churnPodChangesPerSecond,
    ).toBeUndefined();
    for (const bad of ['-1', '0', 'lots', '1e9']) {
      expect(() =>
        parseServeArguments(['--scenario', 'seed', `--churn=${bad}`], '/tmp'),
      ).toThrow(/--churn/);
    }
  });
});
