/*
 * `yarn bench:requests`: the request engine's own overhead on a namespace migration — the time a
 * migration takes beyond the rollouts themselves — against issue 5's target of at most 1 s per wave.
 *
 * Method. The backend runs as a process of its own (the crash test's entry: `createBackend()` with the
 * plugin, the catalog, auth and permissions mocked) on a fresh PostgreSQL database (or SQLite files when
 * none answers), against the mesh simulator. While a migration runs, this process watches the
 * namespace's Deployments straight from the simulator's API and notes, at receipt, when each one's pod
 * template got its restart stamp (the patch landing) and when its rollout became complete as
 * `kubectl rollout status` judges it (observedGeneration caught up; updated = desired = total =
 * available replicas). For each wave step, from the step's own start and end as the request records
 * them:
 *
 *   rollout   = last Deployment of the wave complete − first restart stamp of the wave landed
 *   overhead  = step duration − rollout
 *             = (step start → first patch: lease/precheck of the target, stamps stored, reads)
 *             + (rollout complete → step recorded done: the engine noticing, i.e. its polling)
 *
 * and for the whole request, (request duration − Σ rollouts) / waves, which also spreads the precheck,
 * relabel and verify steps over the waves (and the old pods' graceful termination, which verify
 * rightly waits for and `kubectl rollout status` does not count). Waves run with no pause between them
 * (a pause is asked-for waiting, not overhead). The default poll interval (1 s) and a short one are
 * measured. The backend's CPU time over each run is reported too. Scenarios: Bookinfo on `seed` (six 1-pod Deployments,
 * waves of two) migrated and rolled back; and ten `fleet:1x2500` namespaces (five 10-pod Deployments
 * each, waves of two) migrated at once, to see the overhead when the engine is busy.
 *
 * Prints a table and writes bench/results/requests.json. Figures, not assertions.
 * BENCH_DATABASE=sqlite forces SQLite; BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432)
 * names the server; BENCH_REPEAT (default 2) repeats the Bookinfo migrate/rollback pair;
 * BENCH_POLL (default 1000,200) lists the poll intervals; BENCH_SCENARIOS (default bookinfo,fleet);
 * BENCH_FLEET_BUDGETS (default 50,200) lists the per-cluster API budgets
 * (istioUpgrade.inventory.maxRequestsPerSecond, 50 by default) the fleet scenario runs with: ten
 * migrations starting at once on one cluster share it.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import https from 'node:https';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import knexFactory from 'knex';
import {
  MeshSimulatorProcess,
  meshSimulatorBackendSetup,
  startMeshSimulator,
} from '../src/testing/meshSimulator';
import {
  bookinfoComponents,
  ownedComponent,
} from '../src/testing/__testUtils__/requestTestKit';
import {
  BackendProcess,
  freePort,
  startBackendProcess,
} from '../src/testing/__testUtils__/startBackendProcess';

const RESULTS = resolve(__dirname, 'results/requests.json');
const TARGET_OVERHEAD_PER_WAVE_MS = 1000;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2);
const POLL_INTERVALS = (process.env.BENCH_POLL ?? '1000,200')
  .split(',')
  .map(Number);
const FLEET_BUDGETS = (process.env.BENCH_FLEET_BUDGETS ?? '50,200')
  .split(',')
  .map(Number);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'bookinfo,fleet').split(',');
const POSTGRES =
  process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const CAROL = 'user:default/carol';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

const log = (message: string) =>
  process.stderr.write(
    `[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`,
  );
/** The databases the backends of this run used. */
const engines = new Set<string>();
/** Per backend run: the CPU time the backend process spent while its requests ran. */
const runs: Array<{
  scenario: string;
  pollIntervalMs: number;
  maxRequestsPerSecond?: number;
  wallMs: number;
  backendCpuMs: number;
  /** API-server requests the simulator served meanwhile: the backend's, and the benchmark's watches. */
  apiRequests: number;
  apiRequestsByVerbAndResource: Record<string, number>;
}> = [];

/** User and system CPU time of a process so far, in ms (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const round = (n: number) => Math.round(n);

/** The backend's database: a fresh PostgreSQL database, or SQLite files. */
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
      const name = `istio_upgrade_bench_${randomBytes(6).toString('hex')}`;
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

/** When each Deployment's restart landed and when its rollout completed, as the simulator says. */
interface DeploymentTimes {
  stamp?: string;
  patchedAt?: number;
  completeAt?: number;
}

function rolloutComplete(d: any): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want
  );
}

/** Watches a namespace's Deployments on the simulator's API; `times` per Deployment name. */
function watchDeployments(
  simulator: MeshSimulatorProcess,
  cluster: string,
  namespace: string,
) {
  const info = simulator.clusters.find(c => c.name === cluster)!;
  const times = new Map<string, DeploymentTimes>();
  const seen = (d: any, at: number) => {
    const name = d.metadata.name as string;
    const t = times.get(name) ?? {};
    const stamp = d.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
    if (t.stamp !== stamp) {
      if (times.has(name)) {
        t.patchedAt = at;
        t.completeAt = undefined;
      }
      t.stamp = stamp;
    }
    if (t.patchedAt !== undefined && t.completeAt === undefined) {
      if (rolloutComplete(d)) t.completeAt = at;
    }
    times.set(name, t);
  };
  const req = https.request(
    `${info.server}/apis/apps/v1/namespaces/${namespace}/deployments?watch=1`,
    {
      ca: simulator.caPem,
      headers: { Authorization: `Bearer ${info.tokens.admin}` },
    },
    res => {
      let buffer = '';
      res.on('data', chunk => {
        const at = Date.now();
        buffer += chunk.toString('utf8');
        for (;;) {
          const end = buffer.indexOf('\n');
          if (end < 0) break;
          const line = buffer.slice(0, end).trim();
          buffer = buffer.slice(end + 1);
          if (line) seen(JSON.parse(line).object, at);
        }
      });
    },
  );
  req.on('error', () => {});
  req.end();
  return {
    times,
    /** Forgets the patches seen so far (before the next request). */
    reset: () => {
      for (const t of times.values()) {
        t.patchedAt = undefined;
        t.completeAt = undefined;
      }
    },
    stop: () => req.destroy(),
  };
}

function api(backend: BackendProcess) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${backend.url}/api/istio-upgrade${path}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header(CAROL),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json: any = await res.json();
    if (!res.ok) {
      throw new Error(
        `${method} ${path}: ${res.status} ${json?.error?.message ?? ''}`,
      );
    }
    return json;
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}) => call('POST', path, body),
  };
}

async function settle(backend: BackendProcess, id: string) {
  for (;;) {
    const r = await api(backend).get(`/requests/${id}`);
    if (['succeeded', 'failed', 'rolled-back', 'cancelled'].includes(r.state))
      return r;
    await sleep(200);
  }
}

interface WaveFigures {
  wave: number;
  workloads: number;
  pods: number;
  stepMs: number;
  rolloutMs: number;
  overheadMs: number;
  beforeFirstPatchMs: number;
  afterRolloutDoneMs: number;
}

interface RequestFigures {
  scenario: string;
  pollIntervalMs: number;
  kind: string;
  namespace: string;
  state: string;
  waves: WaveFigures[];
  requestMs: number;
  rolloutsMs: number;
  requestOverheadPerWaveMs: number;
}

/** The figures of a finished request from its steps and the watched rollouts. */
function figures(
  request: any,
  times: Map<string, DeploymentTimes>,
  meta: Pick<RequestFigures, 'scenario' | 'pollIntervalMs' | 'kind'>,
): RequestFigures {
  const waves: WaveFigures[] = [];
  for (const wave of request.plan.waves) {
    const step = request.steps.find(
      (s: any) => s.name === `restart-wave-${wave.index}`,
    );
    const start = Date.parse(step.startedAt);
    const end = Date.parse(step.finishedAt);
    const ts = wave.workloads.map((w: any) => times.get(w.name) ?? {});
    const patched = ts.map((t: DeploymentTimes) => t.patchedAt);
    const complete = ts.map((t: DeploymentTimes) => t.completeAt);
    if ([...patched, ...complete].some(v => v === undefined)) {
      throw new Error(
        `wave ${wave.index} of ${request.id}: a restart or rollout was not seen`,
      );
    }
    const firstPatch = Math.min(...(patched as number[]));
    const rolloutDone = Math.max(...(complete as number[]));
    const rolloutMs = rolloutDone - firstPatch;
    waves.push({
      wave: wave.index,
      workloads: wave.workloads.length,
      pods: wave.workloads.reduce((n: number, w: any) => n + w.pods, 0),
      stepMs: end - start,
      rolloutMs,
      overheadMs: end - start - rolloutMs,
      beforeFirstPatchMs: firstPatch - start,
      afterRolloutDoneMs: end - rolloutDone,
    });
  }
  const requestMs =
    Date.parse(request.finishedAt) - Date.parse(request.startedAt);
  const rolloutsMs = waves.reduce((n, w) => n + w.rolloutMs, 0);
  return {
    ...meta,
    namespace: request.target.namespace,
    state: request.state,
    waves,
    requestMs,
    rolloutsMs,
    requestOverheadPerWaveMs: (requestMs - rolloutsMs) / waves.length,
  };
}

async function withBackend<T>(
  options: {
    scenario: string;
    speed: number;
    pollIntervalMs: number;
    entities: (cluster: string) => Array<Record<string, unknown>>;
    releases?: Array<Record<string, string>>;
    /** istioUpgrade.inventory.maxRequestsPerSecond; the plugin's default when absent. */
    maxRequestsPerSecond?: number;
  },
  fn: (
    simulator: MeshSimulatorProcess,
    backend: BackendProcess,
    cluster: string,
  ) => Promise<T>,
): Promise<T> {
  const database = await benchDatabase();
  engines.add(database.engine);
  const simulator = await startMeshSimulator({
    scenarios: [options.scenario],
    speed: options.speed,
  });
  let backend: BackendProcess | undefined;
  try {
    const cluster = simulator.clusters[0].name;
    const setup = meshSimulatorBackendSetup(simulator, {
      token: 'admin',
      ...(options.maxRequestsPerSecond
        ? { inventory: { maxRequestsPerSecond: options.maxRequestsPerSecond } }
        : {}),
    });
    backend = await startBackendProcess({
      port: await freePort(),
      nodeArgs: process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : [],
      entities: [...setup.entities, ...options.entities(cluster)],
      config: {
        backend: { database: database.config },
        permission: { enabled: true },
        istioUpgrade: {
          ...setup.config.istioUpgrade,
          ...(options.releases ? { releases: options.releases } : {}),
          requests: {
            pollIntervalMs: options.pollIntervalMs,
            maxConcurrentRequests: 20,
            defaults: { waveSize: 2, pauseBetweenWavesSeconds: 0 },
          },
        },
      },
    });
    for (;;) {
      const inventory = await api(backend).get(
        `/clusters/${cluster}/inventory`,
      );
      if (inventory.cluster.sync.complete) break;
      await sleep(200);
    }
    log(
      `${options.scenario} on ${database.engine}, poll ${options.pollIntervalMs} ms`,
    );
    await simulator.sim('POST', `clusters/${cluster}/stats/reset`);
    const cpuBefore = cpuMs(backend.pid);
    const started = Date.now();
    const result = await fn(simulator, backend, cluster);
    const stats = await simulator.sim('GET', `clusters/${cluster}/stats`);
    runs.push({
      scenario: options.scenario,
      pollIntervalMs: options.pollIntervalMs,
      maxRequestsPerSecond: options.maxRequestsPerSecond,
      wallMs: Date.now() - started,
      backendCpuMs: cpuMs(backend.pid) - cpuBefore,
      apiRequests: stats.total,
      apiRequestsByVerbAndResource: stats.byVerbAndResource,
    });
    return result;
  } finally {
    await backend?.stop();
    await simulator.stop();
    await database.drop();
  }
}

/** Bookinfo on `seed`: migrate to 1-10-4, roll back, `REPEAT` times. */
async function bookinfo(pollIntervalMs: number): Promise<RequestFigures[]> {
  return withBackend(
    {
      scenario: 'seed',
      speed: 2,
      pollIntervalMs,
      entities: () => bookinfoComponents(CAROL),
      // The lab's 1.9 and 1.10 are long past their end of life, which the prechecks refuse (a
      // rollback to 1.9 included): extended support keeps the benchmark about the engine.
      releases: [
        { minor: '1.9', releaseDate: '2021-02-09', endOfLife: '2099-12-31' },
        { minor: '1.10', releaseDate: '2021-05-18', endOfLife: '2099-12-31' },
      ],
    },
    async (simulator, backend) => {
      const out: RequestFigures[] = [];
      const watch = watchDeployments(simulator, 'seed', 'bookinfo');
      try {
        await sleep(500);
        for (let i = 0; i < REPEAT; i++) {
          watch.reset();
          const created = await api(backend).post('/requests', {
            type: 'namespace-migration',
            cluster: 'seed',
            revision: '1-10-4',
            target: { namespace: 'bookinfo' },
            entityRef: 'component:default/productpage',
          });
          const migrated = await settle(backend, created.id);
          out.push(
            figures(migrated, watch.times, {
              scenario: 'seed bookinfo',
              pollIntervalMs,
              kind: 'migration',
            }),
          );
          log(`bookinfo migration ${i + 1}: ${migrated.state}`);
          watch.reset();
          const rollback = await api(backend).post(
            `/requests/${created.id}/rollback`,
          );
          const back = await settle(backend, rollback.id);
          out.push(
            figures(back, watch.times, {
              scenario: 'seed bookinfo',
              pollIntervalMs,
              kind: 'rollback',
            }),
          );
          log(`bookinfo rollback ${i + 1}: ${back.state}`);
        }
      } finally {
        watch.stop();
      }
      return out;
    },
  );
}

/** Ten namespaces of `fleet:1x2500` (five 10-pod Deployments each) migrated at once. */
async function fleet(
  pollIntervalMs: number,
  maxRequestsPerSecond: number,
): Promise<RequestFigures[]> {
  const namespaces = Array.from(
    { length: 10 },
    (_, i) => `team-${String(i * 3 + 1).padStart(3, '0')}`,
  );
  return withBackend(
    {
      scenario: 'fleet:1x2500',
      speed: 4,
      pollIntervalMs,
      maxRequestsPerSecond,
      entities: () =>
        namespaces.map(ns => ownedComponent(`${ns}-svc-1`, ns, CAROL)),
    },
    async (simulator, backend, cluster) => {
      const watches = namespaces.map(ns =>
        watchDeployments(simulator, cluster, ns),
      );
      try {
        await sleep(1000);
        const created = await Promise.all(
          namespaces.map(ns =>
            api(backend).post('/requests', {
              type: 'namespace-migration',
              cluster,
              revision: '1-30-4',
              target: { namespace: ns },
              entityRef: `component:default/${ns}-svc-1`,
            }),
          ),
        );
        const done = await Promise.all(created.map(r => settle(backend, r.id)));
        log(
          `fleet: ${done.filter(r => r.state === 'succeeded').length}/${
            done.length
          } succeeded`,
        );
        return done.map((r, i) =>
          figures(r, watches[i].times, {
            scenario: `fleet:1x2500, 10 namespaces at once, API budget ${maxRequestsPerSecond}/s`,
            pollIntervalMs,
            kind: 'migration',
          }),
        );
      } finally {
        for (const w of watches) w.stop();
      }
    },
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(requests: RequestFigures[]) {
  const groups = new Map<string, RequestFigures[]>();
  for (const r of requests) {
    const key = `${r.scenario} | ${r.kind} | poll ${r.pollIntervalMs} ms`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.entries()].map(([group, rs]) => {
    const waves = rs.flatMap(r => r.waves);
    const overheads = waves.map(w => w.overheadMs);
    return {
      group,
      requests: rs.length,
      succeeded: rs.filter(r => r.state === 'succeeded').length,
      waves: waves.length,
      rolloutMedianMs: round(median(waves.map(w => w.rolloutMs))),
      waveOverheadMedianMs: round(median(overheads)),
      waveOverheadMaxMs: round(Math.max(...overheads)),
      beforeFirstPatchMedianMs: round(
        median(waves.map(w => w.beforeFirstPatchMs)),
      ),
      afterRolloutDoneMedianMs: round(
        median(waves.map(w => w.afterRolloutDoneMs)),
      ),
      requestOverheadPerWaveMedianMs: round(
        median(rs.map(r => r.requestOverheadPerWaveMs)),
      ),
      requestOverheadPerWaveMaxMs: round(
        Math.max(...rs.map(r => r.requestOverheadPerWaveMs)),
      ),
      withinTarget:
        Math.max(...overheads) <= TARGET_OVERHEAD_PER_WAVE_MS &&
        Math.max(...rs.map(r => r.requestOverheadPerWaveMs)) <=
          TARGET_OVERHEAD_PER_WAVE_MS,
    };
  });
}

function table(rows: ReturnType<typeof summarize>): string {
  const header = [
    'scenario | request | poll',
    'ok',
    'waves',
    'rollout p50',
    'wave overhead p50',
    'wave overhead max',
    '(before patch p50',
    'after done p50)',
    'request overhead/wave p50',
    'max',
    '≤ 1 s',
  ];
  const lines = rows.map(r => [
    r.group,
    `${r.succeeded}/${r.requests}`,
    String(r.waves),
    `${r.rolloutMedianMs} ms`,
    `${r.waveOverheadMedianMs} ms`,
    `${r.waveOverheadMaxMs} ms`,
    `${r.beforeFirstPatchMedianMs} ms`,
    `${r.afterRolloutDoneMedianMs} ms`,
    `${r.requestOverheadPerWaveMedianMs} ms`,
    `${r.requestOverheadPerWaveMaxMs} ms`,
    r.withinTarget ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map(l => l[i].length)),
  );
  return [header, widths.map(w => '-'.repeat(w)), ...lines]
    .map(row => row.map((cell, i) => cell.padEnd(widths[i])).join(' | '))
    .join('\n');
}

export async function main(): Promise<void> {
  const requests: RequestFigures[] = [];
  for (const pollIntervalMs of POLL_INTERVALS) {
    if (SCENARIOS.includes('bookinfo'))
      requests.push(...(await bookinfo(pollIntervalMs)));
    if (SCENARIOS.includes('fleet'))
      for (const budget of FLEET_BUDGETS) {
        requests.push(...(await fleet(pollIntervalMs, budget)));
      }
  }
  const rows = summarize(requests);
  const report = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryBytes: totalmem(),
      node: process.version,
    },
    database: [...engines].join(', '),
    method:
      'per wave: overhead = step duration − (last rollout complete − first restart landed), both seen by watching the Deployments on the simulator; per request: (duration − Σ wave rollouts) / waves',
    targets: { overheadPerWaveMs: TARGET_OVERHEAD_PER_WAVE_MS },
    summary: rows,
    backendRuns: runs,
    requests,
  };
  mkdirSync(resolve(__dirname, 'results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  const cpu = runs
    .map(
      r =>
        `${r.scenario}, poll ${r.pollIntervalMs} ms${
          r.maxRequestsPerSecond
            ? `, API budget ${r.maxRequestsPerSecond}/s`
            : ''
        }: backend CPU ${r.backendCpuMs} ms in ${r.wallMs} ms; ${
          r.apiRequests
        } API requests (${Object.entries(r.apiRequestsByVerbAndResource)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`,
    )
    .join('\n');
  process.stdout.write(
    `${table(rows)}\n\n${cpu}\ndatabase: ${
      report.database
    }\nwritten to ${RESULTS}\n`,
  );
}
