/*
 * `yarn bench:inventory`: the inventory engine's figures against issue 4's targets, for generated
 * fleets served by the mesh simulator (a process of its own), measured from this process:
 *
 * - cold sync: backend ready → every cluster listed (and the fleet counting every pod);
 * - retained heap per pod after sync, and per pod kept whole, each in a process of its own;
 * - latency of /fleet, /clusters/{c}/inventory and /entities/... while synced;
 * - freshness: a pod restarted onto a new revision → the API showing it;
 * - @backstage/plugin-kubernetes-backend, in the same backend and pointed at the same simulator,
 *   serving the same entity: its latency and API-server requests per page view against ours.
 *
 * Then, under churn (issue 15; bench/inventoryChurn.ts): the simulator's churn generator restarting
 * pods at a steady rate across the fleet (CHURN_RATE, default 1,000 pod changes/s), the p99 latency of
 * the three endpoints, freshness, API-server requests per cluster per hour at steady state, and what
 * a second backend replica on the same fleet costs the API servers.
 *
 * Prints a table with every target, met or missed, and writes bench/results/inventory.json.
 * FLEETS=10x1000,50x2000 (default) picks the fleets; LATENCY_CALLS (default 200) the calls per endpoint.
 *
 *   yarn bench:inventory --fleet 200x5000 [--fleet ...] [--no-baseline] [--no-replica] [--cpu-prof]
 *
 * measures the given fleets and then 10x1000 and 50x2000 (unless --no-baseline), and writes
 * bench/results/inventory-200x5000.json (after each fleet, so a long run keeps what it measured).
 * --no-replica skips the second backend; --cpu-prof profiles the backend (V8 CPU profile, its busiest
 * functions in the results). CHURN_SECONDS (default 120) is the measured window under churn.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ACCEPT_METADATA,
  ACCEPT_METADATA_LIST,
  ClusterHttpClient,
} from '../src/kubernetes/ClusterHttpClient';
import { RateLimiter } from '../src/kubernetes/RateLimiter';
import {
  componentEntity,
  MeshSimulatorProcess,
  meshSimulatorBackendSetup,
  startMeshSimulator,
} from '../src/testing/meshSimulator';
import {
  churnMeter,
  latencyWhile,
  measureFreshnessUnderChurn,
  requestsPerClusterHour,
  startChurn,
  stopChurn,
  summariseCpuProfiles,
  waitForCompleteSync,
} from './inventoryChurn';

const FLEETS = (process.env.FLEETS ?? '10x1000,50x2000').split(',');
const BASELINE_FLEETS = ['10x1000', '50x2000'];
const CHURN_RATE = Number(process.env.CHURN_RATE ?? 1000);
const CHURN_SECONDS = Number(process.env.CHURN_SECONDS ?? 120);
const CHURN_WARMUP_SECONDS = Number(process.env.CHURN_WARMUP_SECONDS ?? 20);
/** Issue 15's bar: cold sync at most 10 minutes, retained heap at most 1 GB. */
const COLD_SYNC_LIMIT_MS = 600_000;
const HEAP_LIMIT_BYTES = 1024 ** 3;
const LATENCY_CALLS = Number(process.env.LATENCY_CALLS ?? 200);
const FRESHNESS_CHANGES = Number(process.env.FRESHNESS_CHANGES ?? 40);
const FULL_POD_SAMPLE = 10_000;
const NODE_TRANSFORM = require.resolve(
  '@backstage/cli/config/nodeTransform.cjs',
);
const RESULTS = resolve(__dirname, 'results/inventory.json');

export const ENTITY = componentEntity('team-001-svc-1', {
  'backstage.io/kubernetes-id': 'team-001-svc-1',
  'backstage.io/kubernetes-namespace': 'team-001',
});
export const ENTITY_PATH =
  '/api/istio-upgrade/entities/component/default/team-001-svc-1';

export const log = (message: string) =>
  process.stderr.write(
    `[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`,
  );

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => res(port));
    });
  });
}

/** Runs a TypeScript main of this folder in a node process of its own. */
export function runChild(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '-r', NODE_TRANSFORM, resolve(__dirname, entry)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-50_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>(r =>
    child.once('exit', code => r(code)),
  );
  process.once('exit', () => child.kill('SIGKILL'));
  return { child, output: () => output, exited };
}

export function writeJson(value: unknown): {
  file: string;
  remove: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'inventory-bench-'));
  const file = join(dir, 'input.json');
  writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1,
  );
  return sorted[Math.max(0, index)];
}

export const round = (n: number, digits = 1) =>
  Math.round(n * 10 ** digits) / 10 ** digits;

export function summary(samples: number[]) {
  return {
    calls: samples.length,
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    maxMs: round(Math.max(...samples)),
  };
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function probeHeap(
  simulator: Pick<MeshSimulatorProcess, 'clusters' | 'caPem'>,
  mode: 'inventory' | 'full-pods',
  clusterNames: string[],
) {
  const clusters = simulator.clusters.filter(c =>
    clusterNames.includes(c.name),
  );
  const setup = meshSimulatorBackendSetup({ clusters, caPem: simulator.caPem });
  const input = writeJson({
    mode,
    entities: setup.entities,
    config: setup.config,
    clusters: clusters.map(c => ({
      name: c.name,
      server: c.server,
      token: c.tokens.readOnly,
    })),
    caPem: simulator.caPem,
  });
  const run = runChild('heapProbe.ts', { BENCH_PROBE_FILE: input.file }, [
    '--expose-gc',
    '--max-old-space-size=8192',
  ]);
  const code = await run.exited;
  input.remove();
  if (code !== 0)
    throw new Error(`heap probe (${mode}) failed:\n${run.output()}`);
  const line = run
    .output()
    .split('\n')
    .find(l => l.startsWith('{'));
  const result = JSON.parse(line!);
  return {
    ...result,
    bytesPerPod: round(
      (result.heapBytes - result.baselineBytes) / result.pods,
      0,
    ),
    ...(result.recordsAndInventoriesBytes !== undefined && {
      recordsAndInventoriesBytesPerPod: round(
        result.recordsAndInventoriesBytes / result.pods,
        0,
      ),
    }),
  };
}

async function startBackend(
  simulator: MeshSimulatorProcess,
  nodeArgs: string[] = [],
) {
  const setup = meshSimulatorBackendSetup(simulator, {
    token: 'readOnly',
    kubernetesPlugin: true,
  });
  return startBenchBackend(setup, nodeArgs);
}

/** Starts `benchBackend.ts` with the given entities and config (plus the bench's component). */
export async function startBenchBackend(
  setup: {
    config: Record<string, any>;
    entities: unknown[];
  },
  nodeArgs: string[] = [],
) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const input = writeJson({
    config: {
      ...setup.config,
      backend: {
        baseUrl: url,
        listen: { host: '127.0.0.1', port },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
    },
    entities: [...setup.entities, ENTITY],
  });
  const spawnedAt = performance.now();
  const run = runChild('benchBackend.ts', { BENCH_BACKEND_FILE: input.file }, [
    '--max-old-space-size=8192',
    ...nodeArgs,
  ]);
  for (;;) {
    if (/^backend ready$/m.test(run.output())) break;
    if (run.child.exitCode !== null) {
      throw new Error(`the backend exited:\n${run.output()}`);
    }
    await sleep(20);
  }
  const readyAt = performance.now();
  return {
    url,
    spawnedAt,
    readyAt,
    pid: run.child.pid,
    output: run.output,
    exitCode: () => run.child.exitCode ?? run.child.signalCode,
    async stop() {
      run.child.kill('SIGTERM');
      const killer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
      await run.exited;
      clearTimeout(killer);
      input.remove();
    },
  };
}

const fetchJson = (url: string) => getJson(url);

export async function getJson(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok)
    throw new Error(
      `${init?.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 300)}`,
    );
  return { body: JSON.parse(text), bytes: Buffer.byteLength(text) };
}

export async function timed(url: string, init?: RequestInit) {
  const started = performance.now();
  const { bytes, body } = await getJson(url, init);
  return { ms: performance.now() - started, bytes, body };
}

export async function measureLatency(url: string, calls: number) {
  for (let i = 0; i < 5; i++) await timed(url);
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < calls; i++) {
    const r = await timed(url);
    samples.push(r.ms);
    bytes = r.bytes;
  }
  return { ...summary(samples), responseBytes: bytes };
}

function adminClient(simulator: MeshSimulatorProcess, cluster: string) {
  const c = simulator.clusters.find(x => x.name === cluster)!;
  return new ClusterHttpClient(
    {
      name: c.name,
      url: new URL(c.server),
      caPem: simulator.caPem,
      token: c.tokens.admin,
      skipTlsVerify: false,
    },
    new RateLimiter(1000, 1000),
    { allowPrivateAddress: true },
  );
}

const revisionOf = (meta: any): string | undefined => {
  const status = meta?.annotations?.['sidecar.istio.io/status'];
  return status ? JSON.parse(status).revision : undefined;
};

/** Sum of API-server requests over every cluster of the simulator since the last reset. */
async function apiServerRequests(
  simulator: MeshSimulatorProcess,
  reset: boolean,
) {
  let total = 0;
  const byVerbAndResource: Record<string, number> = {};
  await Promise.all(
    simulator.clusters.map(async c => {
      if (reset) {
        await simulator.sim('POST', `clusters/${c.name}/stats/reset`);
        return;
      }
      const stats = await simulator.sim('GET', `clusters/${c.name}/stats`);
      total += stats.total;
      for (const [key, n] of Object.entries(
        stats.byVerbAndResource as Record<string, number>,
      )) {
        byVerbAndResource[key] = (byVerbAndResource[key] ?? 0) + n;
      }
    }),
  );
  return { total, byVerbAndResource };
}

async function comparePageViews(
  simulator: MeshSimulatorProcess,
  backendUrl: string,
  kubernetesCalls: number,
) {
  const kubernetesPageView = async () => {
    const started = performance.now();
    await getJson(`${backendUrl}/api/kubernetes/clusters`);
    const objects = await getJson(
      `${backendUrl}/api/kubernetes/services/${ENTITY.metadata.name}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ entity: ENTITY }),
      },
    );
    return {
      ms: performance.now() - started,
      body: objects.body,
      bytes: objects.bytes,
    };
  };
  const ourPageView = async () => {
    const r = await timed(`${backendUrl}${ENTITY_PATH}`);
    return r;
  };

  const requestsPerView = async (view: () => Promise<unknown>) => {
    const counts: number[] = [];
    let detail: Record<string, number> = {};
    for (let i = 0; i < 3; i++) {
      await apiServerRequests(simulator, true);
      await view();
      const { total, byVerbAndResource } = await apiServerRequests(
        simulator,
        false,
      );
      counts.push(total);
      detail = byVerbAndResource;
    }
    return {
      perPageView: round(counts.reduce((a, b) => a + b, 0) / counts.length),
      detail,
    };
  };

  const first = await kubernetesPageView();
  const podsSeen = (first.body.items ?? []).reduce(
    (sum: number, cluster: any) =>
      sum +
      (cluster.resources ?? [])
        .filter((r: any) => r.type === 'pods')
        .reduce((n: number, r: any) => n + r.resources.length, 0),
    0,
  );
  const kubernetesErrors = (first.body.items ?? []).reduce(
    (sum: number, cluster: any) => sum + (cluster.errors?.length ?? 0),
    0,
  );
  const ours = await ourPageView();
  const ourPods = ours.body.clusters.reduce(
    (sum: number, c: any) =>
      sum + c.workloads.reduce((n: number, w: any) => n + w.pods, 0),
    0,
  );

  const kubernetesSamples: number[] = [];
  const deadline =
    performance.now() + (kubernetesCalls < 50 ? 60_000 : 180_000);
  while (
    kubernetesSamples.length < kubernetesCalls &&
    performance.now() < deadline
  ) {
    kubernetesSamples.push((await kubernetesPageView()).ms);
  }
  const ourSamples: number[] = [];
  for (let i = 0; i < Math.max(LATENCY_CALLS, 200); i++) {
    ourSamples.push((await ourPageView()).ms);
  }
  const kubernetesRequests = await requestsPerView(kubernetesPageView);
  const ourRequests = await requestsPerView(ourPageView);
  const kubernetes = {
    latency: summary(kubernetesSamples),
    responseBytes: first.bytes,
    podsReturned: podsSeen,
    // Kinds the simulator does not serve (limit ranges, quotas, HPAs, jobs, cron jobs, ingresses, pod
    // metrics) answer 404, which the simulator does not count and the plugin reports as errors.
    errorsReported: kubernetesErrors,
    apiServerRequestsPerPageView: kubernetesRequests.perPageView,
    requestsAttemptedPerPageView:
      kubernetesRequests.perPageView + kubernetesErrors,
    apiServerRequestsByKind: kubernetesRequests.detail,
  };
  const istioUpgrade = {
    latency: summary(ourSamples),
    responseBytes: ours.bytes,
    podsReturned: ourPods,
    apiServerRequestsPerPageView: ourRequests.perPageView,
  };
  return {
    pageView: {
      kubernetes:
        'GET /api/kubernetes/clusters + POST /api/kubernetes/services/{name} {entity}',
      istioUpgrade: `GET ${ENTITY_PATH}`,
    },
    kubernetes,
    istioUpgrade,
    ratios: {
      latencyP50: round(kubernetes.latency.p50Ms / istioUpgrade.latency.p50Ms),
      latencyP99: round(kubernetes.latency.p99Ms / istioUpgrade.latency.p99Ms),
      apiServerRequests:
        istioUpgrade.apiServerRequestsPerPageView === 0
          ? `${kubernetes.apiServerRequestsPerPageView} vs 0`
          : round(
              kubernetes.apiServerRequestsPerPageView /
                istioUpgrade.apiServerRequestsPerPageView,
            ),
    },
  };
}

/**
 * Restarts single pods onto a new revision (namespace team-002 relabelled to the canary tag, one pod
 * deleted at a time, its ReplicaSet creating the replacement) and times, for each, from the moment the
 * API server streams the new pod to the moment `/clusters/{c}/inventory` counts it (polled every 10 ms).
 */
async function measureFreshness(
  simulator: MeshSimulatorProcess,
  backendUrl: string,
  changes: number,
) {
  const clusters = simulator.clusters.slice(0, 5).map(c => c.name);
  const namespace = 'team-002';
  const countOn = async (cluster: string, revision: string) => {
    const { body } = await getJson(
      `${backendUrl}/api/istio-upgrade/clusters/${cluster}/inventory`,
    );
    const ns = body.namespaces.find((n: any) => n.name === namespace);
    return {
      desired: ns.desiredRevision,
      count: ns.podsByRevision
        .filter((r: any) => r.revision === revision)
        .reduce((a: number, r: any) => a + r.count, 0),
    };
  };
  for (const cluster of clusters) {
    const client = adminClient(simulator, cluster);
    await client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${namespace}`,
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { 'istio.io/rev': 'canary' } } },
    });
    client.close();
    while ((await countOn(cluster, '1-30-4')).desired !== '1-30-4')
      await sleep(50);
  }

  const samples: number[] = [];
  for (let i = 0; i < changes; i++) {
    const cluster = clusters[i % clusters.length];
    const client = adminClient(simulator, cluster);
    const list = await client.request<any>({
      path: `/api/v1/namespaces/${namespace}/pods`,
      accept: ACCEPT_METADATA_LIST,
    });
    const victim = list.items.find(
      (p: any) =>
        revisionOf(p.metadata) === '1-30-1' && !p.metadata.deletionTimestamp,
    );
    if (!victim) break;
    const before = (await countOn(cluster, '1-30-4')).count;

    const watchAbort = new AbortController();
    let changedAt: number | undefined;
    const watching = client
      .watch(
        {
          path: `/api/v1/namespaces/${namespace}/pods`,
          accept: ACCEPT_METADATA,
          query: { watch: 1, resourceVersion: list.metadata.resourceVersion },
          signal: watchAbort.signal,
        },
        event => {
          if (
            changedAt === undefined &&
            event.type === 'ADDED' &&
            revisionOf(event.object.metadata) === '1-30-4'
          ) {
            changedAt = performance.now();
          }
        },
      )
      .catch(() => {});
    await client.request({
      method: 'DELETE',
      path: `/api/v1/namespaces/${namespace}/pods/${victim.metadata.name}`,
      body: { gracePeriodSeconds: 0 },
    });
    let shownAt: number | undefined;
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      if ((await countOn(cluster, '1-30-4')).count > before) {
        shownAt = performance.now();
        break;
      }
      await sleep(10);
    }
    while (changedAt === undefined && performance.now() < deadline)
      await sleep(10);
    watchAbort.abort();
    await watching;
    client.close();
    if (shownAt === undefined || changedAt === undefined) {
      throw new Error(`change ${i} in ${cluster} was never shown`);
    }
    samples.push(Math.max(0, shownAt - changedAt));
  }
  return { changes: samples.length, clusters, ...summary(samples) };
}

interface BenchOptions {
  /** Run the churn half (issue 15). */
  churn: boolean;
  /** Start a second backend replica under churn. */
  replica: boolean;
  /** Profile the backend (`--cpu-prof`). */
  cpuProfile: boolean;
}

/** Under churn: latency, API-server cost, freshness, then a second replica (bench/inventoryChurn.ts). */
async function benchChurn(
  simulator: MeshSimulatorProcess,
  backendUrl: string,
  options: BenchOptions,
) {
  const names = simulator.clusters.map(c => c.name);
  log(`churn: starting at ${CHURN_RATE} pod changes/s`);
  await startChurn(simulator, CHURN_RATE);
  try {
    await sleep(CHURN_WARMUP_SECONDS * 1000);
    const meter = churnMeter(simulator);
    let latency: Record<string, any> = {};
    log(`churn: latency and API-server requests over ${CHURN_SECONDS} s`);
    const apiServerCost = await requestsPerClusterHour(simulator, async () => {
      latency = await latencyWhile(
        {
          fleet: `${backendUrl}/api/istio-upgrade/fleet`,
          clusterInventory: `${backendUrl}/api/istio-upgrade/clusters/${names[0]}/inventory`,
          entity: `${backendUrl}${ENTITY_PATH}`,
        },
        10,
        CHURN_SECONDS,
      );
    });
    log(`churn: freshness`);
    const freshness = await measureFreshnessUnderChurn(
      simulator,
      backendUrl,
      FRESHNESS_CHANGES,
    );
    const rate = await meter.stop();
    log(
      `churn: achieved ${rate.achievedPodChangesPerSecond} pod changes/s; freshness p99 ${freshness.p99Ms} ms`,
    );

    let secondReplica: Record<string, unknown> | undefined;
    if (options.replica) {
      // A second full backend may not fit beside the first and the simulator: a failure is recorded, not fatal.
      try {
        log('churn: second backend replica');
        await apiServerRequests(simulator, true);
        const second = await startBackend(simulator);
        try {
          const syncMs = await waitForCompleteSync(
            second.url,
            second.spawnedAt,
            COLD_SYNC_LIMIT_MS * 2,
          );
          const coldSyncRequests = await apiServerRequests(simulator, false);
          log(
            `churn: second replica synced in ${
              syncMs === undefined
                ? 'more than 20 min'
                : `${round(syncMs / 1000)} s`
            }; steady state with two replicas`,
          );
          const twoReplicas = await requestsPerClusterHour(simulator, () =>
            sleep(Math.min(CHURN_SECONDS, 90) * 1000),
          );
          const coldSeconds = (syncMs ?? COLD_SYNC_LIMIT_MS * 2) / 1000;
          // Each watch is reopened when its timeout (istioUpgrade.inventory.watchTimeoutSeconds, 300 s by
          // default, as the bench runs) ends it: the steady cost a window shorter than that only samples.
          const watchesPerCluster =
            Object.entries(coldSyncRequests.byVerbAndResource)
              .filter(([key]) => key.startsWith('watch '))
              .reduce((n, [, count]) => n + count, 0) / names.length;
          secondReplica = {
            coldSyncUnderChurnMs:
              syncMs === undefined ? null : Math.round(syncMs),
            // Both replicas' requests while the second synced, less the first's steady rate over that time.
            coldSyncRequestsPerCluster: round(
              (coldSyncRequests.total -
                (apiServerCost.perClusterPerHour * names.length * coldSeconds) /
                  3600) /
                names.length,
              0,
            ),
            coldSyncRequestsByVerbAndResource:
              coldSyncRequests.byVerbAndResource,
            steadyStateBothReplicas: twoReplicas,
            addedPerClusterPerHour:
              twoReplicas.perClusterPerHour - apiServerCost.perClusterPerHour,
            watchesPerCluster: round(watchesPerCluster, 1),
            expectedPerClusterPerHourFromWatchTimeout: round(
              (watchesPerCluster * 3600) / 300,
              0,
            ),
          };
        } finally {
          await second.stop();
        }
      } catch (error) {
        log(`churn: second replica failed: ${error}`);
        secondReplica = { error: String(error).slice(0, 2000) };
      }
    }
    return {
      target: CHURN_RATE,
      rate,
      latency,
      freshness,
      apiServerCost,
      secondReplica,
    };
  } finally {
    await stopChurn(simulator).catch(() => undefined);
  }
}

async function benchFleet(fleet: string, options: BenchOptions) {
  const [clusterCount, podsPerCluster] = fleet.split('x').map(Number);
  const expectedPods = clusterCount * podsPerCluster;
  const big = expectedPods > 200_000;
  log(`fleet:${fleet}: starting the simulator`);
  const simulatorStarted = performance.now();
  const simulator = await startMeshSimulator({
    scenarios: [`fleet:${fleet}`],
    speed: 5,
    // Under churn the simulator's change history grows to 10,000 entries per cluster.
    nodeOptions: [`--max-old-space-size=${big ? 14336 : 8192}`],
    readyTimeoutMs: big ? 1_800_000 : 600_000,
  });
  const simulatorLoadMs = Math.round(performance.now() - simulatorStarted);
  const profileDir = options.cpuProfile
    ? mkdtempSync(join(tmpdir(), 'inventory-bench-prof-'))
    : undefined;
  try {
    const names = simulator.clusters.map(c => c.name);
    log(
      `fleet:${fleet}: simulator ready in ${round(
        simulatorLoadMs / 1000,
      )} s; heap probe, inventory engine`,
    );
    const inventoryHeap = await probeHeap(simulator, 'inventory', names);
    const sampleClusters = names.slice(
      0,
      Math.max(1, Math.floor(FULL_POD_SAMPLE / podsPerCluster)),
    );
    log(
      `fleet:${fleet}: heap probe, whole pods of ${sampleClusters.length} clusters`,
    );
    const fullPodHeap = await probeHeap(simulator, 'full-pods', sampleClusters);

    log(`fleet:${fleet}: starting the backend`);
    await apiServerRequests(simulator, true);
    const backend = await startBackend(
      simulator,
      profileDir
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${profileDir}`,
            '--cpu-prof-interval=5000',
          ]
        : [],
    );
    let cpuProfile: unknown;
    try {
      let completeAt: number | undefined;
      let countedAt: number | undefined;
      const getJsonSaying = (url: string) =>
        fetchJson(url).catch(error => {
          throw new Error(
            `${error} (${error?.cause ?? 'no cause'}); the backend ${
              backend.exitCode() === null
                ? 'is running'
                : `exited with ${backend.exitCode()}`
            }; its output ends:\n${backend.output().slice(-3000)}`,
          );
        });
      for (;;) {
        const now = performance.now();
        if (completeAt === undefined) {
          const { body } = await getJsonSaying(
            `${backend.url}/api/istio-upgrade/clusters`,
          );
          if (body.items.every((c: any) => c.sync.complete)) completeAt = now;
        } else {
          const { body } = await getJsonSaying(
            `${backend.url}/api/istio-upgrade/fleet`,
          );
          const pods = body.clusters.reduce(
            (s: number, c: any) => s + c.pods,
            0,
          );
          if (pods >= expectedPods) {
            countedAt = now;
            break;
          }
        }
        if (now - backend.readyAt > COLD_SYNC_LIMIT_MS * 3)
          throw new Error('no cold sync in 30 minutes');
        await sleep(big ? 500 : 50);
      }
      // What one replica's cold sync asks of the API servers (nothing else talks to them meanwhile).
      const coldSyncRequests = await apiServerRequests(simulator, false);
      const coldSync = {
        apiServerRequestsPerCluster: round(
          coldSyncRequests.total / clusterCount,
          1,
        ),
        apiServerRequestsByVerbAndResource: coldSyncRequests.byVerbAndResource,
        pods: expectedPods,
        clusters: clusterCount,
        readyToCompleteMs: Math.round(completeAt - backend.readyAt),
        readyToFleetCountedMs: Math.round(countedAt - backend.readyAt),
        processStartToCompleteMs: Math.round(completeAt - backend.spawnedAt),
        engineAloneMs: inventoryHeap.syncMs,
      };
      log(
        `fleet:${fleet}: cold sync ${coldSync.processStartToCompleteMs} ms from process start; latency at rest`,
      );

      const latency = {
        fleet: await measureLatency(
          `${backend.url}/api/istio-upgrade/fleet`,
          LATENCY_CALLS,
        ),
        clusterInventory: await measureLatency(
          `${backend.url}/api/istio-upgrade/clusters/${names[0]}/inventory`,
          LATENCY_CALLS,
        ),
        entity: await measureLatency(
          `${backend.url}${ENTITY_PATH}`,
          LATENCY_CALLS,
        ),
      };
      log(`fleet:${fleet}: Kubernetes plugin comparison`);
      const comparison = await comparePageViews(
        simulator,
        backend.url,
        big ? 10 : 50,
      );
      log(`fleet:${fleet}: freshness at rest`);
      const freshness = await measureFreshness(
        simulator,
        backend.url,
        FRESHNESS_CHANGES,
      );
      const underChurn = options.churn
        ? await benchChurn(simulator, backend.url, options)
        : undefined;
      const simulatorStats = await simulator.sim('GET', 'stats');
      const simulatorProcess = await simulator.sim('GET', 'process');
      await backend.stop();
      if (profileDir) cpuProfile = summariseCpuProfiles(profileDir);
      return {
        fleet: `fleet:${fleet}`,
        simulator: {
          readyMs: simulatorLoadMs,
          loadMs: simulatorStats.load?.totalMs,
          rssBytes: simulatorStats.memory?.rssBytes,
          heapUsedBytes: simulatorStats.memory?.heapUsedBytes,
        },
        coldSync,
        heap: {
          inventory: inventoryHeap,
          totalBytes: inventoryHeap.heapBytes - inventoryHeap.baselineBytes,
          fullPods: fullPodHeap,
          ratio: round(fullPodHeap.bytesPerPod / inventoryHeap.bytesPerPod),
          ratioToRecords: round(
            fullPodHeap.bytesPerPod /
              inventoryHeap.recordsAndInventoriesBytesPerPod,
          ),
        },
        latency,
        freshness,
        comparison,
        underChurn,
        cpuProfile,
        simulatorHeapBytes: simulatorProcess.heapUsedBytes,
      };
    } finally {
      await backend.stop();
    }
  } finally {
    await simulator.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}

type FleetResult = Awaited<ReturnType<typeof benchFleet>>;

const metOrMissed = (met: boolean) => (met ? 'met' : 'MISSED');

/**
 * What the Kubernetes plugin's page views cost each cluster: it asks every cluster on every view,
 * so N requests per view spread over C clusters cost N/C per cluster per view.
 */
function kubernetesPluginScaled(r: FleetResult) {
  const clusters = r.coldSync.clusters;
  const perView = r.comparison.kubernetes.requestsAttemptedPerPageView;
  const perClusterPerView = perView / clusters;
  const ours = r.underChurn?.apiServerCost.perClusterPerHour;
  return {
    requestsPerPageViewPerCluster: round(perClusterPerView, 2),
    perClusterPerHourAt60ViewsPerHour: round(perClusterPerView * 60, 0),
    perClusterPerHourAt1000ViewsPerHour: round(perClusterPerView * 1000, 0),
    ...(ours !== undefined && {
      breakEvenViewsPerHour: round(ours / perClusterPerView, 0),
    }),
  };
}

/** What one backend replica asks of each cluster: its cold sync, and its watches reopened at their timeout. */
function perReplicaCost(r: FleetResult) {
  const byKey = (r.coldSync.apiServerRequestsByVerbAndResource ?? {}) as Record<
    string,
    number
  >;
  const watches = Object.entries(byKey)
    .filter(([key]) => key.startsWith('watch '))
    .reduce((n, [, count]) => n + count, 0);
  const watchesPerCluster = round(watches / r.coldSync.clusters, 1);
  return {
    coldSyncPerCluster: r.coldSync.apiServerRequestsPerCluster,
    watchesPerCluster,
    // istioUpgrade.inventory.watchTimeoutSeconds: 300 by default, as the bench runs.
    steadyPerClusterPerHourFromWatchTimeout: round(
      (watchesPerCluster * 3600) / 300,
      0,
    ),
  };
}

function table(results: FleetResult[]) {
  const rows: string[][] = [['figure', 'fleet', 'value', 'target', 'met']];
  const kb = (b: number) => `${round(b / 1024, 2)} KB`;
  const mb = (b: number) => `${round(b / 1024 ** 2, 0)} MB`;
  for (const r of results) {
    const f = r.fleet;
    rows.push([
      'cold sync (backend start → all complete)',
      f,
      `${round(r.coldSync.processStartToCompleteMs / 1000, 1)} s (${
        r.coldSync.pods
      } pods, simulator ready in ${round(r.simulator.readyMs / 1000, 0)} s)`,
      '≤ 10 min',
      metOrMissed(r.coldSync.processStartToCompleteMs <= COLD_SYNC_LIMIT_MS),
    ]);
    rows.push([
      'cold sync (backend ready → all listed)',
      f,
      `${round(r.coldSync.readyToCompleteMs / 1000, 1)} s`,
      r.coldSync.pods === 100_000 ? '≤ 60 s (issue 4)' : '—',
      r.coldSync.pods === 100_000
        ? metOrMissed(r.coldSync.readyToCompleteMs <= 60_000)
        : '',
    ]);
    rows.push([
      'cold sync (ready → fleet counts every pod)',
      f,
      `${round(r.coldSync.readyToFleetCountedMs / 1000, 1)} s`,
      '—',
      '',
    ]);
    rows.push([
      'retained heap of the inventory (total)',
      f,
      `${mb(r.heap.totalBytes)} (fixed ${mb(r.heap.inventory.fixedBytes)})`,
      '≤ 1 GB',
      metOrMissed(r.heap.totalBytes <= HEAP_LIMIT_BYTES),
    ]);
    rows.push([
      'retained heap per pod (inventory)',
      f,
      `${kb(r.heap.inventory.bytesPerPod)} (records and inventories ${kb(
        r.heap.inventory.recordsAndInventoriesBytesPerPod,
      )})`,
      '≤ 1 KB',
      metOrMissed(r.heap.inventory.bytesPerPod <= 1024),
    ]);
    rows.push([
      'retained heap per pod (whole pods)',
      f,
      `${kb(r.heap.fullPods.bytesPerPod)} (${r.heap.ratio}×; ${
        r.heap.ratioToRecords
      }× the records and inventories)`,
      '—',
      '',
    ]);
    for (const [name, l] of Object.entries(r.latency)) {
      rows.push([
        `latency at rest ${name} p50 / p99`,
        f,
        `${l.p50Ms} / ${l.p99Ms} ms (${l.calls} calls, ${kb(l.responseBytes)})`,
        'p99 ≤ 100 ms',
        metOrMissed(l.p99Ms <= 100),
      ]);
    }
    rows.push([
      'freshness at rest p50 / p99',
      f,
      `${r.freshness.p50Ms} / ${r.freshness.p99Ms} ms (${r.freshness.changes} changes)`,
      'p99 ≤ 2 s',
      metOrMissed(r.freshness.p99Ms <= 2000),
    ]);
    const churn = r.underChurn;
    if (churn) {
      rows.push([
        'churn achieved (pod changes/s, real time)',
        f,
        `${churn.rate.achievedPodChangesPerSecond}/s over ${churn.rate.overSeconds} s (10-s windows ${churn.rate.generatorWindowsPerSecond.min}–${churn.rate.generatorWindowsPerSecond.max})`,
        `${churn.target}/s steady`,
        metOrMissed(
          churn.rate.achievedPodChangesPerSecond >= churn.target * 0.95,
        ),
      ]);
      for (const [name, l] of Object.entries(churn.latency)) {
        rows.push([
          `latency under churn ${name} p50 / p99`,
          f,
          `${l.p50Ms} / ${l.p99Ms} ms (${l.calls} calls, max ${l.maxMs} ms)`,
          'p99 ≤ 100 ms',
          metOrMissed(l.p99Ms <= 100),
        ]);
      }
      rows.push([
        'freshness under churn p50 / p99',
        f,
        `${churn.freshness.p50Ms} / ${churn.freshness.p99Ms} ms (${churn.freshness.changes} changes, max ${churn.freshness.maxMs} ms)`,
        'p99 ≤ 2 s',
        metOrMissed(churn.freshness.p99Ms <= 2000),
      ]);
      const scaled = kubernetesPluginScaled(r);
      rows.push([
        'API-server requests per cluster per hour',
        f,
        `ours ${churn.apiServerCost.perClusterPerHour} (steady state under churn, ${churn.apiServerCost.windowSeconds}-s window, any page views)`,
        `Kubernetes plugin ${scaled.requestsPerPageViewPerCluster} per view: ${scaled.perClusterPerHourAt60ViewsPerHour} at 60 views/h, ${scaled.perClusterPerHourAt1000ViewsPerHour} at 1,000`,
        'stated',
      ]);
      if (churn.secondReplica?.error) {
        rows.push([
          'second replica: API-server cost',
          f,
          `not measured: ${String(churn.secondReplica.error).slice(0, 120)}`,
          '—',
          'stated',
        ]);
      } else if (!churn.secondReplica) {
        const perReplica = perReplicaCost(r);
        rows.push([
          'second replica: API-server cost',
          f,
          `not started (--no-replica); each replica keeps its own watches, so a second adds what one costs: ${perReplica.coldSyncPerCluster} requests per cluster for its cold sync, then ${perReplica.watchesPerCluster} watches per cluster reopened every 300 s (${perReplica.steadyPerClusterPerHourFromWatchTimeout} per cluster per hour; measured ${churn.apiServerCost.perClusterPerHour})`,
          '—',
          'stated',
        ]);
      } else {
        const s = churn.secondReplica as any;
        rows.push([
          'second replica: API-server cost',
          f,
          `+${
            s.addedPerClusterPerHour
          } requests per cluster per hour measured at steady state (${
            s.watchesPerCluster
          } watches reopened every 300 s: ${
            s.expectedPerClusterPerHourFromWatchTimeout
          }), ${s.coldSyncRequestsPerCluster} per cluster for its cold sync (${
            s.coldSyncUnderChurnMs === null
              ? 'not synced in 20 min'
              : `${round(s.coldSyncUnderChurnMs / 1000, 1)} s under churn`
          })`,
          '—',
          'stated',
        ]);
      }
    }
    const c = r.comparison;
    rows.push([
      'Kubernetes plugin page view p50 / p99',
      f,
      `${c.kubernetes.latency.p50Ms} / ${c.kubernetes.latency.p99Ms} ms (${c.kubernetes.latency.calls} calls)`,
      `ours ${c.istioUpgrade.latency.p50Ms} / ${c.istioUpgrade.latency.p99Ms} ms`,
      `×${c.ratios.latencyP50} / ×${c.ratios.latencyP99}`,
    ]);
    rows.push([
      'API-server requests per page view',
      f,
      `Kubernetes plugin ${c.kubernetes.apiServerRequestsPerPageView} served + ${c.kubernetes.errorsReported} answered 404`,
      `ours ${c.istioUpgrade.apiServerRequestsPerPageView}`,
      String(c.ratios.apiServerRequests),
    ]);
  }
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(row => row[i].length)),
  );
  return rows
    .map(row => row.map((cell, i) => cell.padEnd(widths[i])).join(' | '))
    .join('\n');
}

/**
 * `--fleet CxP` (repeatable or comma-separated) picks the fleets, followed by the baseline sizes
 * unless `--no-baseline`; without `--fleet`, FLEETS as before.
 */
export function parseBenchArguments(args: string[]) {
  const fleets: string[] = [];
  let baseline = true;
  let replica = true;
  let churn = true;
  let cpuProfile = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--fleet' || arg.startsWith('--fleet=')) {
      const value = arg === '--fleet' ? args[++i] : arg.slice(8);
      for (const f of (value ?? '').split(',')) {
        if (!/^\d+x\d+$/.test(f))
          throw new Error(`--fleet takes CxP, got ${f}`);
        fleets.push(f);
      }
    } else if (arg === '--no-baseline') baseline = false;
    else if (arg === '--no-replica') replica = false;
    else if (arg === '--no-churn') churn = false;
    else if (arg === '--cpu-prof') cpuProfile = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (fleets.length === 0) {
    return {
      fleets: FLEETS,
      results: RESULTS,
      options: { churn, replica, cpuProfile },
    };
  }
  const all = [
    ...fleets,
    ...(baseline ? BASELINE_FLEETS.filter(f => !fleets.includes(f)) : []),
  ];
  return {
    fleets: all,
    results: resolve(__dirname, `results/inventory-${fleets.join('+')}.json`),
    options: { churn, replica, cpuProfile },
  };
}

export async function main(args: string[] = []) {
  const { fleets, results: resultsFile, options } = parseBenchArguments(args);
  const results: FleetResult[] = [];
  const failed: Array<{ fleet: string; error: string }> = [];
  const write = () => {
    const report = {
      generatedAt: new Date().toISOString(),
      command: `yarn bench:inventory ${args.join(' ')}`.trim(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryBytes: totalmem(),
        node: process.version,
      },
      targets: {
        coldSyncFor100kPodsMs: 60_000,
        coldSyncMs: COLD_SYNC_LIMIT_MS,
        heapTotalBytes: HEAP_LIMIT_BYTES,
        heapPerPodBytes: 1024,
        latencyP99Ms: 100,
        freshnessP99Ms: 2000,
        churnPodChangesPerSecond: CHURN_RATE,
      },
      fleets,
      failed,
      results: results.map(r => ({
        ...r,
        ...(r.underChurn && {
          kubernetesPluginScaled: kubernetesPluginScaled(r),
        }),
        perReplicaCost: perReplicaCost(r),
      })),
    };
    mkdirSync(resolve(__dirname, 'results'), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
  };
  for (const fleet of fleets) {
    try {
      results.push(await benchFleet(fleet, options));
    } catch (error) {
      log(`fleet:${fleet} failed: ${error}`);
      failed.push({
        fleet: `fleet:${fleet}`,
        error: String(error).slice(0, 2000),
      });
      continue;
    }
    write();
    process.stdout.write(`${table(results.slice(-1))}\n\n`);
  }
  write();
  process.stdout.write(`${table(results)}\n\nwritten to ${resultsFile}\n`);
  if (failed.length > 0) {
    throw new Error(`failed: ${failed.map(f => f.fleet).join(', ')}`);
  }
}
