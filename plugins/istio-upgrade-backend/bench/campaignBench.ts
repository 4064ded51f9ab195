/*
 * `yarn bench:campaign`: fleet upgrade campaigns on `fleet:50x2000` (50 clusters, 100,000 pods)
 * against issue 14's targets: a plan in at most 5 s, and at most 1 s of engine overhead per wave.
 *
 * The mesh simulator and the backend (`startBackendProcess`: `createBackend()` with the plugin, the
 * catalog, auth and permissions mocked) run as processes of their own, the backend on a fresh
 * PostgreSQL database (SQLite files when none answers). `campaignProbe.js` is preloaded into the
 * backend: it times every `CampaignEngine.step` call and samples the process's memory (the engine's
 * code is unchanged). Once every cluster's inventory is complete and the fleet counts every pod:
 *
 * 1. Planning: `POST /campaigns` with `dryRun` for the fleet's target, Istio 1.30.4 (revision 1-30-4,
 *    beside 1-30-1), over all 50 clusters in 3 rings (5, 20 and 25 clusters), PLAN_RUNS times in a
 *    row, timed from this process (request sent → answer read). Median and max, requests planned,
 *    and the backend's heap and RSS after garbage collection before and after the runs.
 * 2. Engine overhead per wave: a campaign over ENGINE_CLUSTERS clusters (rings of 1 and the rest),
 *    `notifyAheadSeconds: 0`, `soakSeconds: 0`, no Prometheus (not gated), created by carol and
 *    approved by bob, run to its end. For every wave, from the moment the engine could go on (its
 *    predecessor's requests all finished, by their `finishedAt`; for a ring's first waves, the last
 *    request of the ring before; for the first ring, the approval) to the end of the engine step that
 *    started it:
 *
 *      gap       = that wall-clock time;
 *      overhead  = the time engine steps ran within the gap (each step's overlap with it): noticing
 *                  the requests finished, judging the wave, closing the ring, starting the next
 *                  wave (its requests planned and prechecked and stored);
 *      idle      = gap − overhead: the engine's interval, waiting for its next tick.
 *
 *    The target applies to the overhead (the largest wave's). The total time of every step of the
 *    campaign divided by its waves (the steps that only looked at running waves included) is
 *    reported too.
 *    The probe also breaks each step down by the engine's calls to its store and world (see
 *    campaignProbe.js); the slowest steps' breakdowns are in the results.
 * 3. Memory: the backend's heap and RSS sampled every 250 ms over the campaign (peaks), and after
 *    garbage collection before and after it.
 *
 * Prints a table and writes bench/results/campaign-50x2000.json. Exits 0, unless
 * CAMPAIGN_BENCH_ENFORCE=1 and a target is missed. Options: PLAN_RUNS (5), ENGINE_CLUSTERS (3),
 * ENGINE_INTERVAL_MS (1000: `istioUpgrade.campaigns.engineInterval`), NAMESPACES_PER_WAVE (5),
 * SIM_SPEED (5), BENCH_DATABASE=sqlite, BENCH_POSTGRES (postgresql://postgres@127.0.0.1:5432),
 * CAMPAIGN_BENCH_CPU_PROF=<dir> (the backend runs with --cpu-prof, profiles written there on exit),
 * CAMPAIGN_BENCH_RESULTS=<file> (another results file, for runs with other options).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import {
  meshSimulatorBackendSetup,
  startMeshSimulator,
} from '../src/testing/meshSimulator';
import {
  BackendProcess,
  freePort,
  startBackendProcess,
} from '../src/testing/__testUtils__/startBackendProcess';

const FLEET = 'fleet:50x2000';
const EXPECTED_PODS = 100_000;
const TARGET_VERSION = '1.30.4';
const RESULTS =
  process.env.CAMPAIGN_BENCH_RESULTS ??
  resolve(__dirname, 'results/campaign-50x2000.json');
const TARGETS = { planMs: 5000, engineOverheadPerWaveMs: 1000 };
const PLAN_RUNS = Number(process.env.PLAN_RUNS ?? 5);
const ENGINE_CLUSTERS = Number(process.env.ENGINE_CLUSTERS ?? 3);
const ENGINE_INTERVAL_MS = Number(process.env.ENGINE_INTERVAL_MS ?? 1000);
const NAMESPACES_PER_WAVE = Number(process.env.NAMESPACES_PER_WAVE ?? 5);
const SIM_SPEED = Number(process.env.SIM_SPEED ?? 5);
const ENFORCE = process.env.CAMPAIGN_BENCH_ENFORCE === '1';
const POSTGRES =
  process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const CAROL = 'user:default/carol';
const BOB = 'user:default/bob';
const FINAL_CAMPAIGN = ['succeeded', 'failed', 'aborted', 'rejected', 'paused'];

const log = (message: string) =>
  process.stderr.write(
    `[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`,
  );
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const round = (n: number) => Math.round(n);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The backend's database: a fresh PostgreSQL database, or SQLite files (as `bench:requests`). */
async function benchDatabase(): Promise<{
  engine: string;
  config: Record<string, unknown>;
  drop: () => Promise<void>;
}> {
  if (process.env.BENCH_DATABASE !== 'sqlite') {
    const admin = knexFactory({
      client: 'pg',
      connection: POSTGRES,
      pool: { min: 0, max: 1, acquireTimeoutMillis: 3000 },
    });
    try {
      const name = `istio_upgrade_campaign_bench_${randomBytes(6).toString(
        'hex',
      )}`;
      await admin.raw('CREATE DATABASE ??', [name]);
      const url = new URL(POSTGRES);
      return {
        engine: `PostgreSQL (${url.host})`,
        config: {
          client: 'pg',
          connection: {
            host: url.hostname,
            port: Number(url.port || 5432),
            user: decodeURIComponent(url.username || 'postgres'),
            ...(url.password
              ? { password: decodeURIComponent(url.password) }
              : {}),
          },
          plugin: { 'istio-upgrade': { connection: { database: name } } },
        },
        drop: async () => {
          await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
          await admin.destroy();
        },
      };
    } catch (error) {
      await admin.destroy();
      log(`PostgreSQL at ${POSTGRES} is not usable (${error}); using SQLite`);
    }
  }
  const directory = mkdtempSync(join(tmpdir(), 'istio-upgrade-bench-db-'));
  return {
    engine: 'SQLite (better-sqlite3, files)',
    config: { client: 'better-sqlite3', connection: { directory } },
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

function api(backend: BackendProcess, user: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${backend.url}/api/istio-upgrade${path}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header(user),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const json: any = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      throw new Error(
        `${method} ${path}: ${res.status} ${json?.error?.message ?? text}`,
      );
    }
    return { json, bytes: Buffer.byteLength(text) };
  };
  return {
    get: async (path: string) => (await call('GET', path)).json,
    post: async (path: string, body: unknown = {}) =>
      (await call('POST', path, body)).json,
    timedPost: async (path: string, body: unknown) => {
      const t0 = performance.now();
      const out = await call('POST', path, body);
      return { ...out, ms: performance.now() - t0 };
    },
  };
}

interface ProbeRecord {
  type: 'step' | 'memory' | 'settled';
  id?: string;
  startedAt?: number;
  endedAt?: number;
  ms?: number;
  saved?: boolean;
  /** Per method of the engine's store and world: calls and ms within the step. */
  calls?: Record<string, { calls: number; ms: number }>;
  seq?: number;
  at?: number;
  rss?: number;
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
}

/** What campaignProbe.js wrote in the backend so far. */
function probeRecords(file: string): ProbeRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(line => line.trim())
    .flatMap(line => {
      try {
        return [JSON.parse(line) as ProbeRecord];
      } catch {
        return []; // a line being written
      }
    });
}

/** The backend's memory after two garbage collections (SIGUSR2 to the probe). */
async function settledMemory(backend: BackendProcess, file: string) {
  const before = probeRecords(file).filter(r => r.type === 'settled').length;
  process.kill(backend.pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    await sleep(50);
    const settled = probeRecords(file).filter(r => r.type === 'settled');
    if (settled.length > before) {
      const r = settled[settled.length - 1];
      return { heapUsedMB: mb(r.heapUsed!), rssMB: mb(r.rss!) };
    }
  }
  throw new Error('the backend did not answer SIGUSR2 with its memory');
}

/** Peaks of the memory samples in [from, to]. */
function memoryPeaks(records: ProbeRecord[], from: number, to: number) {
  const samples = records.filter(
    r => r.type === 'memory' && r.at! >= from && r.at! <= to,
  );
  return {
    samples: samples.length,
    heapUsedPeakMB: mb(Math.max(0, ...samples.map(s => s.heapUsed!))),
    rssPeakMB: mb(Math.max(0, ...samples.map(s => s.rss!))),
  };
}

/** 50 clusters in 3 rings: 5, 20, 25. */
function fleetRings(clusters: string[]) {
  return [
    { name: 'canary', clusters: clusters.slice(0, 5) },
    { name: 'early', clusters: clusters.slice(5, 25) },
    { name: 'rest', clusters: clusters.slice(25) },
  ];
}

async function waitForInventory(backend: BackendProcess, clusters: number) {
  const started = Date.now();
  for (;;) {
    const { items } = await api(backend, CAROL).get('/clusters');
    const complete = items.filter((c: any) => c.sync?.complete).length;
    if (complete === clusters) {
      const fleet = await api(backend, CAROL).get('/fleet');
      const pods = fleet.clusters.reduce((n: number, c: any) => n + c.pods, 0);
      if (pods >= EXPECTED_PODS) return Date.now() - started;
    }
    if (Date.now() - started > 900_000) {
      throw new Error(`inventory incomplete after 15 minutes (${complete})`);
    }
    await sleep(500);
  }
}

async function planning(
  backend: BackendProcess,
  probeFile: string,
  clusters: string[],
) {
  const body = {
    name: `fleet to ${TARGET_VERSION}`,
    targetVersion: TARGET_VERSION,
    rings: fleetRings(clusters),
    waves: { namespacesPerWave: NAMESPACES_PER_WAVE },
    dryRun: true,
  };
  const before = await settledMemory(backend, probeFile);
  const started = Date.now();
  const runs: Array<{ ms: number; requests: number; responseBytes: number }> =
    [];
  let plan: any;
  for (let i = 0; i < PLAN_RUNS; i++) {
    const res = await api(backend, CAROL).timedPost('/campaigns', body);
    plan = res.json;
    runs.push({
      ms: round(res.ms),
      requests: plan.requests,
      responseBytes: res.bytes,
    });
    log(
      `plan ${i + 1}/${PLAN_RUNS}: ${round(res.ms)} ms, ${
        plan.requests
      } requests`,
    );
  }
  const peaks = memoryPeaks(probeRecords(probeFile), started, Date.now());
  const after = await settledMemory(backend, probeFile);
  const waves = plan.rings.flatMap((r: any) =>
    r.clusters.flatMap((c: any) => c.waves),
  );
  const times = runs.map(r => r.ms);
  return {
    body: {
      ...body,
      rings: body.rings.map(r => ({
        name: r.name,
        clusters: r.clusters.length,
      })),
    },
    runs,
    medianMs: round(median(times)),
    maxMs: Math.max(...times),
    firstMs: times[0],
    requestsPlanned: plan.requests,
    clustersPlanned: plan.rings.reduce(
      (n: number, r: any) => n + r.clusters.length,
      0,
    ),
    wavesPlanned: waves.length,
    wavesByKind: waves.reduce(
      (m: Record<string, number>, w: any) => ({
        ...m,
        [w.kind]: (m[w.kind] ?? 0) + 1,
      }),
      {},
    ),
    warnings: plan.warnings.length,
    memory: { before, after, during: peaks },
    met: Math.max(...times) <= TARGETS.planMs,
  };
}

/** Calls by method, the longest first. */
function byTime(calls: Record<string, { calls: number; ms: number }>) {
  return Object.fromEntries(
    Object.entries(calls).sort((a, b) => b[1].ms - a[1].ms),
  );
}

interface WaveTransition {
  ring: number;
  cluster: string;
  wave: number;
  kind: string;
  requests: number;
  /** What the engine waited for: the approval, the ring before, or the cluster's previous wave. */
  after: 'approval' | 'previous ring' | 'previous wave';
  gapMs: number;
  overheadMs: number;
  idleMs: number;
  /** The step that started the wave: its whole duration. */
  startingStepMs: number;
}

/** Per wave: gap, overhead (engine steps within the gap) and idle time; see the header. */
function waveTransitions(
  campaign: any,
  requests: Map<string, any>,
  steps: ProbeRecord[],
): WaveTransition[] {
  const out: WaveTransition[] = [];
  const finished = (ids: string[]) =>
    Math.max(...ids.map(id => Date.parse(requests.get(id).finishedAt)));
  let ringReadyAt = Date.parse(campaign.decidedAt);
  campaign.plan.rings.forEach((ring: any, ringIndex: number) => {
    for (const cluster of ring.clusters) {
      let readyAt = ringReadyAt;
      let after: WaveTransition['after'] =
        ringIndex === 0 ? 'approval' : 'previous ring';
      for (const wave of cluster.waves) {
        if (!wave.startedAt || wave.requestIds.length === 0) continue;
        const startedAt = Date.parse(wave.startedAt);
        const starting = steps.find(
          s => s.startedAt! <= startedAt && startedAt <= s.endedAt! + 1,
        );
        const to = starting ? starting.endedAt! : startedAt;
        let overheadMs = 0;
        for (const s of steps) {
          overheadMs += Math.max(
            0,
            Math.min(s.endedAt!, to) - Math.max(s.startedAt!, readyAt),
          );
        }
        out.push({
          ring: ringIndex,
          cluster: cluster.cluster,
          wave: wave.index,
          kind: wave.kind,
          requests: wave.requestIds.length,
          after,
          gapMs: round(to - readyAt),
          overheadMs: round(overheadMs),
          idleMs: round(to - readyAt - overheadMs),
          startingStepMs: round(starting?.ms ?? NaN),
        });
        readyAt = finished(wave.requestIds);
        after = 'previous wave';
      }
    }
    const ids = ring.clusters.flatMap((c: any) =>
      c.waves.flatMap((w: any) => w.requestIds),
    );
    if (ids.length > 0) ringReadyAt = finished(ids);
  });
  return out;
}

async function engine(
  backend: BackendProcess,
  probeFile: string,
  clusters: string[],
) {
  const chosen = clusters.slice(0, ENGINE_CLUSTERS);
  const body = {
    name: `bench: ${chosen.length} clusters to ${TARGET_VERSION}`,
    targetVersion: TARGET_VERSION,
    rings: [
      { name: 'first', clusters: chosen.slice(0, 1) },
      ...(chosen.length > 1
        ? [{ name: 'second', clusters: chosen.slice(1) }]
        : []),
    ],
    waves: { namespacesPerWave: NAMESPACES_PER_WAVE },
    notifyAheadSeconds: 0,
    soakSeconds: 0,
  };
  const before = await settledMemory(backend, probeFile);
  const created = await api(backend, CAROL).post('/campaigns', body);
  const started = Date.now();
  await api(backend, BOB).post(`/campaigns/${created.id}/approve`, {
    comment: 'benchmark',
  });
  log(`campaign ${created.id}: ${created.plan.requests} requests, approved`);
  let campaign: any;
  let lastLog = 0;
  for (;;) {
    campaign = await api(backend, CAROL).get(`/campaigns/${created.id}`);
    if (FINAL_CAMPAIGN.includes(campaign.state)) break;
    if (Date.now() - started > 45 * 60_000) {
      throw new Error(`campaign still ${campaign.state} after 45 minutes`);
    }
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      const waves = campaign.plan.rings.flatMap((r: any) =>
        r.clusters.flatMap((c: any) => c.waves),
      );
      log(
        `campaign ${campaign.state}, ring ${campaign.currentRing}: ${
          waves.filter((w: any) => w.state === 'succeeded').length
        }/${waves.length} waves done`,
      );
    }
    await sleep(1000);
  }
  const ended = Date.now();
  const records = probeRecords(probeFile);
  const after = await settledMemory(backend, probeFile);
  const ids = campaign.plan.rings.flatMap((r: any) =>
    r.clusters.flatMap((c: any) => c.waves.flatMap((w: any) => w.requestIds)),
  );
  const requests = new Map<string, any>();
  for (const id of ids) {
    requests.set(id, await api(backend, CAROL).get(`/requests/${id}`));
  }
  const steps = records
    .filter(r => r.type === 'step' && r.id === created.id)
    .sort((a, b) => a.startedAt! - b.startedAt!);
  const transitions = waveTransitions(campaign, requests, steps);
  const overheads = transitions.map(t => t.overheadMs);
  const gaps = transitions.map(t => t.gapMs);
  const stepMs = steps.map(s => s.ms!);
  const busyMs = stepMs.reduce((a, b) => a + b, 0);
  const requestSpans = [...requests.values()].map(
    r => Date.parse(r.finishedAt) - Date.parse(r.startedAt ?? r.requestedAt),
  );
  const succeeded = campaign.state === 'succeeded';
  return {
    id: created.id,
    body,
    state: campaign.state,
    pausedReason: campaign.pausedReason,
    durationMs:
      Date.parse(campaign.finishedAt ?? new Date(ended).toISOString()) -
      Date.parse(campaign.decidedAt),
    requests: requests.size,
    requestsSucceeded: [...requests.values()].filter(
      r => r.state === 'succeeded',
    ).length,
    requestDurationMedianMs: round(median(requestSpans)),
    waves: transitions.length,
    overheadPerWave: {
      medianMs: round(median(overheads)),
      maxMs: Math.max(...overheads),
    },
    gapPerWave: {
      medianMs: round(median(gaps)),
      maxMs: Math.max(...gaps),
    },
    steps: {
      count: steps.length,
      medianMs: round(median(stepMs)),
      maxMs: round(Math.max(...stepMs)),
      totalMs: round(busyMs),
      totalPerWaveMs: round(busyMs / Math.max(1, transitions.length)),
    },
    slowestSteps: [...steps]
      .sort((a, b) => b.ms! - a.ms!)
      .slice(0, 3)
      .map(s => ({ ms: round(s.ms!), calls: byTime(s.calls ?? {}) })),
    callsInAllSteps: byTime(
      steps.reduce((sum: Record<string, { calls: number; ms: number }>, s) => {
        for (const [name, c] of Object.entries(s.calls ?? {})) {
          const e = (sum[name] ??= { calls: 0, ms: 0 });
          e.calls += c.calls;
          e.ms += c.ms;
        }
        return sum;
      }, {}),
    ),
    transitions,
    memory: {
      before,
      after,
      during: memoryPeaks(records, started, ended),
    },
    met:
      succeeded &&
      transitions.length > 0 &&
      Math.max(...overheads) <= TARGETS.engineOverheadPerWaveMs,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(r => (r[i] ?? '').length)),
  );
  return [rows[0], widths.map(w => '-'.repeat(w)), ...rows.slice(1)]
    .map(r => r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | '))
    .join('\n');
}

export async function main(): Promise<number> {
  const database = await benchDatabase();
  log(`${FLEET}: starting the simulator`);
  const simulatorStarted = Date.now();
  const simulator = await startMeshSimulator({
    scenarios: [FLEET],
    speed: SIM_SPEED,
    nodeOptions: ['--max-old-space-size=8192'],
    readyTimeoutMs: 600_000,
  });
  const simulatorReadyMs = Date.now() - simulatorStarted;
  const probeDir = mkdtempSync(join(tmpdir(), 'istio-upgrade-campaign-bench-'));
  const probeFile = join(probeDir, 'probe.jsonl');
  const cpuProf = process.env.CAMPAIGN_BENCH_CPU_PROF;
  let backend: BackendProcess | undefined;
  try {
    const clusters = simulator.clusters.map(c => c.name).sort();
    const setup = meshSimulatorBackendSetup(simulator, { token: 'admin' });
    log(
      `${FLEET}: simulator ready in ${simulatorReadyMs} ms; starting the backend`,
    );
    process.env.CAMPAIGN_BENCH_PROBE_FILE = probeFile;
    process.env.CAMPAIGN_BENCH_NODE_TRANSFORM = require.resolve(
      '@backstage/cli/config/nodeTransform.cjs',
    );
    backend = await startBackendProcess({
      port: await freePort(),
      readyTimeoutMs: 300_000,
      nodeArgs: [
        '--expose-gc',
        '--max-old-space-size=4096',
        '-r',
        resolve(__dirname, 'campaignProbe.js'),
        ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []),
      ],
      entities: setup.entities,
      config: {
        backend: { database: database.config },
        permission: { enabled: true },
        istioUpgrade: {
          ...setup.config.istioUpgrade,
          requests: {
            pollIntervalMs: 1000,
            sweepInterval: { seconds: 1 },
            maxConcurrentRequests: 20,
            defaults: {
              waveSize: 5,
              pauseBetweenWavesSeconds: 0,
              watchWindowSeconds: 3,
            },
          },
          campaigns: {
            engineInterval: { milliseconds: ENGINE_INTERVAL_MS },
          },
        },
      },
    });
    log('backend ready; waiting for every cluster to sync');
    const syncMs = await waitForInventory(backend, clusters.length);
    log(`inventory complete in ${syncMs} ms`);
    const synced = await settledMemory(backend, probeFile);

    log(`planning: ${PLAN_RUNS} dry runs over ${clusters.length} clusters`);
    const plan = await planning(backend, probeFile, clusters);
    log(`engine: a campaign over ${ENGINE_CLUSTERS} clusters`);
    const run = await engine(backend, probeFile, clusters);

    const report = {
      generatedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryBytes: totalmem(),
        loadAverage1m: loadavg()[0],
        node: process.version,
      },
      fleet: FLEET,
      pods: EXPECTED_PODS,
      database: database.engine,
      settings: {
        simulatorSpeed: SIM_SPEED,
        engineIntervalMs: ENGINE_INTERVAL_MS,
        namespacesPerWave: NAMESPACES_PER_WAVE,
        requests: {
          pollIntervalMs: 1000,
          waveSize: 5,
          watchWindowSeconds: 3,
        },
      },
      targets: TARGETS,
      method: {
        planning:
          'POST /campaigns {dryRun: true} over all 50 clusters in 3 rings (5, 20, 25) to Istio 1.30.4, timed from the client (request sent → answer read), PLAN_RUNS runs in a row',
        engineOverheadPerWave:
          "for each wave: from when the engine could go on (its predecessor's requests all finished by their finishedAt; a ring's first waves: the ring before's last request; the first ring: the approval) to the end of the CampaignEngine.step that started it. overhead = the time engine steps ran within that span; idle = the rest (waiting for the engine's next tick, engineInterval). Target on the largest overhead.",
        memory:
          'process.memoryUsage() of the backend, sampled every 250 ms (peaks) and after two garbage collections (settled)',
      },
      simulatorReadyMs,
      inventorySyncMs: syncMs,
      memoryAfterSync: synced,
      planning: plan,
      engine: run,
    };
    mkdirSync(resolve(__dirname, 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);

    const yes = (met: boolean) => (met ? 'met' : 'MISSED');
    const rows = [
      ['figure', 'value', 'target', ''],
      [
        `plan, dry run (${plan.clustersPlanned} clusters, 3 rings), median of ${PLAN_RUNS}`,
        `${plan.medianMs} ms`,
        '',
        '',
      ],
      ['plan, max', `${plan.maxMs} ms`, '≤ 5000 ms', yes(plan.met)],
      [
        'plan, requests / waves planned',
        `${plan.requestsPlanned} / ${plan.wavesPlanned}`,
        '',
        '',
      ],
      [
        'backend heap / RSS settled, before → after plans',
        `${plan.memory.before.heapUsedMB} → ${plan.memory.after.heapUsedMB} MB / ${plan.memory.before.rssMB} → ${plan.memory.after.rssMB} MB`,
        '',
        '',
      ],
      [
        'backend heap / RSS peak while planning',
        `${plan.memory.during.heapUsedPeakMB} MB / ${plan.memory.during.rssPeakMB} MB`,
        '',
        '',
      ],
      [
        `campaign over ${ENGINE_CLUSTERS} clusters`,
        `${run.state}: ${run.waves} waves, ${run.requestsSucceeded}/${
          run.requests
        } requests, ${round(run.durationMs / 1000)} s`,
        '',
        '',
      ],
      [
        'engine overhead per wave, median',
        `${run.overheadPerWave.medianMs} ms`,
        '',
        '',
      ],
      [
        'engine overhead per wave, max',
        `${run.overheadPerWave.maxMs} ms`,
        '≤ 1000 ms',
        yes(run.met),
      ],
      [
        `  (gap incl. waiting for the ${ENGINE_INTERVAL_MS} ms tick: median / max)`,
        `${run.gapPerWave.medianMs} / ${run.gapPerWave.maxMs} ms`,
        '',
        '',
      ],
      [
        '  (every step of the campaign / waves)',
        `${run.steps.totalPerWaveMs} ms (${run.steps.count} steps, median ${run.steps.medianMs} ms, max ${run.steps.maxMs} ms)`,
        '',
        '',
      ],
      [
        '  (slowest step: its longest calls, calls / ms)',
        `${run.slowestSteps[0]?.ms} ms: ${Object.entries(
          run.slowestSteps[0]?.calls ?? {},
        )
          .slice(0, 4)
          .map(([name, c]) => `${name} ${c.calls} / ${c.ms}`)
          .join(', ')}`,
        '',
        '',
      ],
      [
        'backend heap / RSS peak during the campaign',
        `${run.memory.during.heapUsedPeakMB} MB / ${run.memory.during.rssPeakMB} MB`,
        '',
        '',
      ],
      [
        'backend heap / RSS settled, before → after the campaign',
        `${run.memory.before.heapUsedMB} → ${run.memory.after.heapUsedMB} MB / ${run.memory.before.rssMB} → ${run.memory.after.rssMB} MB`,
        '',
        '',
      ],
    ];
    process.stdout.write(
      `${table(rows)}\n\n${
        run.pausedReason ? `campaign paused: ${run.pausedReason}\n` : ''
      }overhead per wave = engine step time between the wave's predecessor finishing and the step that started it (see the JSON's method)\ndatabase: ${
        database.engine
      }\nwritten to ${RESULTS}\n`,
    );
    const missed = !plan.met || !run.met;
    return ENFORCE && missed ? 1 : 0;
  } finally {
    await backend?.stop();
    await simulator.stop();
    await database.drop().catch(() => undefined);
    rmSync(probeDir, { recursive: true, force: true });
  }
}
