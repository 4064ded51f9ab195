/*
 * `yarn bench:inventory --real`: the inventory engine and @backstage/plugin-kubernetes-backend side by
 * side against a REAL kube-apiserver (`scripts/real-cluster.sh`: Kubernetes 1.34, kwok's fake nodes,
 * real istiod injecting real sidecars), at 20,000 pods on 200 nodes by default:
 *
 * - the cluster is started in a temp folder of its own and always taken down (failure, SIGINT too);
 * - population: namespaces `team-NNN` (istio-injection=enabled), five Deployments and Services each,
 *   pods labelled `backstage.io/kubernetes-id: team-NNN-svc-D`, created as cluster-admin and waited
 *   for until every pod is Ready; the sidecars real istiod injected are counted;
 * - a ServiceAccount `istio-upgrade/kubernetes-plugin` with what the Kubernetes plugin lists for an
 *   entity page, and a token of its own;
 * - cold sync, retained heap per pod (heapProbe.ts), latency of the entity view of both plugins, and
 *   API-server requests per entity view of both, counted from the API server's audit log.
 *
 * Prints a table and writes bench/results/inventory-real.json. Figures, not assertions.
 *
 *   --pods N (REAL_PODS, default 20000)      pods in the generated namespaces
 *   --nodes N (REAL_NODES, default 200)      kwok nodes; raised when the pods need more (110 pods a node)
 *   --namespaces N (REAL_NAMESPACES)         default: one per 200 pods
 *   --keep                                   leave the cluster up (its folder is printed)
 *   REAL_BENCH_STATE=<dir>                   the cluster's folder (default: a new temp folder)
 *   REAL_CLUSTER_POD_READY_MS                passed to scripts/real-cluster.sh
 *   LATENCY_CALLS (200), KUBERNETES_CALLS (100, at least 50 within KUBERNETES_BUDGET_S, 300 s)
 *   POPULATE_TIMEOUT_S (5400)
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import https from 'node:https';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import {
  AuditEvent,
  RealCluster,
  realCluster,
} from '../src/testing/__testUtils__/realCluster';
import { meshSimulatorBackendSetup } from '../src/testing/meshSimulator';
import {
  ENTITY,
  ENTITY_PATH,
  getJson,
  log,
  measureLatency,
  probeHeap,
  round,
  sleep,
  startBenchBackend,
  summary,
} from './inventoryBench';

const REPO_ROOT = resolve(__dirname, '../../..');
/** The Kubernetes plugin is a dependency of the demo backend, not of this package. */
const demoBackendRequire = createRequire(
  join(REPO_ROOT, 'packages/backend/package.json'),
);
const SCRIPT = join(REPO_ROOT, 'scripts/real-cluster.sh');
const RESULTS = resolve(__dirname, 'results/inventory-real.json');
const BENCH_LABEL = 'istio-upgrade.io/bench';
const BENCH_LABEL_VALUE = 'inventory-real';
const DEPLOYMENTS_PER_NAMESPACE = 5;
const PODS_PER_NAMESPACE = 200;
/** kwokctl's fake nodes allow 110 pods each. */
const PODS_PER_NODE = 110;
const BACKEND_USER = 'system:serviceaccount:istio-upgrade:istio-upgrade';
const KUBERNETES_PLUGIN_USER =
  'system:serviceaccount:istio-upgrade:kubernetes-plugin';
const ACCEPT_METADATA_LIST =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;q=0.9';

interface Options {
  pods: number;
  nodes: number;
  namespaces: number;
  keep: boolean;
  latencyCalls: number;
  kubernetesCalls: number;
  kubernetesBudgetMs: number;
  populateTimeoutMs: number;
}

function readOptions(argv: string[]): Options {
  const flag = (name: string, envName: string): number | undefined => {
    const i = argv.indexOf(`--${name}`);
    const raw =
      i >= 0
        ? argv[i + 1]
        : argv.find(a => a.startsWith(`--${name}=`))?.split('=')[1] ??
          process.env[envName];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(`--${name} (${envName}) must be a positive integer`);
    }
    return n;
  };
  const pods = flag('pods', 'REAL_PODS') ?? 20_000;
  const namespaces =
    flag('namespaces', 'REAL_NAMESPACES') ??
    Math.max(1, Math.ceil(pods / PODS_PER_NAMESPACE));
  // The lab's own pods (gateways, bookinfo, nginx, istiod's Deployments) need room as well.
  const needed = Math.ceil((pods + 100) / PODS_PER_NODE);
  const asked = flag('nodes', 'REAL_NODES');
  if (asked !== undefined && asked < needed) {
    throw new Error(
      `${pods} pods do not fit on ${asked} kwok nodes of ${PODS_PER_NODE} pods: pass --nodes ${needed} or more`,
    );
  }
  const nodes = asked ?? Math.max(200, needed);
  if (asked === undefined && nodes > 200) {
    log(`${pods} pods need ${nodes} kwok nodes (${PODS_PER_NODE} pods each)`);
  }
  return {
    pods,
    nodes,
    namespaces,
    keep: argv.includes('--keep'),
    latencyCalls: Number(process.env.LATENCY_CALLS ?? 200),
    kubernetesCalls: Math.max(50, Number(process.env.KUBERNETES_CALLS ?? 100)),
    kubernetesBudgetMs: Number(process.env.KUBERNETES_BUDGET_S ?? 300) * 1000,
    populateTimeoutMs: Number(process.env.POPULATE_TIMEOUT_S ?? 5400) * 1000,
  };
}

// ---------------------------------------------------------------------------------------------------
// The cluster: up, down, and requests as cluster-admin (the kwok admin client certificate).

function runScript(
  command: 'up' | 'down',
  env: Record<string, string>,
): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(SCRIPT, [command], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.once('error', rej);
    child.once('exit', code =>
      code === 0
        ? res()
        : rej(new Error(`scripts/real-cluster.sh ${command} exited ${code}`)),
    );
  });
}

interface Admin {
  get<T = any>(path: string, accept?: string): Promise<T>;
  /** A JSON merge patch. */
  patch<T = any>(path: string, body: unknown): Promise<T>;
}

function adminClient(cluster: RealCluster): Admin {
  const pki = dirname(cluster.env.REAL_CLUSTER_CA_FILE);
  const agent = new https.Agent({
    ca: cluster.caPem,
    cert: readFileSync(join(pki, 'admin.crt')),
    key: readFileSync(join(pki, 'admin.key')),
    keepAlive: true,
    maxSockets: 16,
  });
  const request = (
    method: string,
    path: string,
    accept: string,
    body?: unknown,
  ): Promise<any> =>
    new Promise((res, rej) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        new URL(`${cluster.env.REAL_CLUSTER_SERVER}${path}`),
        {
          method,
          agent,
          headers: {
            Accept: accept,
            ...(payload && {
              'Content-Type': 'application/merge-patch+json',
              'Content-Length': Buffer.byteLength(payload),
            }),
          },
        },
        response => {
          const chunks: Buffer[] = [];
          response.on('data', c => chunks.push(c));
          response.on('error', rej);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((response.statusCode ?? 0) >= 300) {
              rej(
                new Error(
                  `${method} ${path}: ${response.statusCode} ${text.slice(
                    0,
                    300,
                  )}`,
                ),
              );
            } else {
              res(JSON.parse(text));
            }
          });
        },
      );
      req.setTimeout(300_000, () =>
        req.destroy(new Error(`${method} ${path}: timed out`)),
      );
      req.on('error', rej);
      req.end(payload);
    });
  return {
    // Reads are retried for up to 10 minutes: a busy API server answers 504 or 429 now and then, and
    // 429 "storage is (re)initializing" while a watch cache is rebuilt, which takes minutes at 20,000
    // pods on a loaded machine.
    async get(path, accept = 'application/json') {
      const started = performance.now();
      for (let attempt = 1; ; attempt++) {
        try {
          return await request('GET', path, accept);
        } catch (error) {
          if (performance.now() - started > 600_000) throw error;
          log(`${String(error).slice(0, 120).replace(/\s+/g, ' ')}; retrying`);
          await sleep(Math.min(30_000, 5000 * attempt));
        }
      }
    },
    patch: (path, body) => request('PATCH', path, 'application/json', body),
  };
}

/** Every item of a collection, 500 at a time. */
async function listAll(admin: Admin, path: string, accept?: string) {
  const items: any[] = [];
  let next: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await admin.get(
      `${path}${sep}limit=500${
        next ? `&continue=${encodeURIComponent(next)}` : ''
      }`,
      accept,
    );
    items.push(...page.items);
    next = page.metadata?.continue || undefined;
  } while (next);
  return items;
}

/** The cluster's processes (kwok's components and the local istiods): name → pid. */
function clusterPids(state: string): Record<string, string> {
  const pidFiles: Array<[string, string]> = [];
  const kwokPids = join(state, 'kwok/clusters/istio-upgrade-real/pids');
  for (const name of [
    'kube-apiserver',
    'etcd',
    'kube-controller-manager',
    'kube-scheduler',
    'kwok-controller',
  ]) {
    pidFiles.push([name, join(kwokPids, `${name}.pid`)]);
  }
  const ownPids = join(state, 'pids');
  if (existsSync(ownPids)) {
    for (const file of readdirSync(ownPids)) {
      pidFiles.push([file.replace(/\.pid$/, ''), join(ownPids, file)]);
    }
  }
  const out: Record<string, string> = {};
  for (const [name, file] of pidFiles) {
    if (existsSync(file)) out[name] = readFileSync(file, 'utf8').trim();
  }
  return out;
}

/** Resident memory (KB → bytes) of the cluster's processes, by `ps -o rss`. */
function processMemory(state: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(clusterPids(state))) {
    const ps = spawnSync('ps', ['-o', 'rss=', '-p', pid], { encoding: 'utf8' });
    const kb = Number(ps.stdout.trim());
    if (ps.status === 0 && kb > 0) out[name] = kb * 1024;
  }
  return out;
}

/** CPU time (user + system, in clock ticks of 10 ms) of the cluster's processes so far. */
function clusterCpuTicks(state: string): number {
  let ticks = 0;
  for (const pid of Object.values(clusterPids(state))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks;
}

/** Cores the cluster's processes used over a stretch of time. */
function cpuMeter(state: string) {
  const ticks = clusterCpuTicks(state);
  const at = performance.now();
  return () =>
    round(
      (clusterCpuTicks(state) - ticks) /
        100 /
        ((performance.now() - at) / 1000),
      2,
    );
}

/**
 * Waits (up to 5 minutes) until the cluster's own processes use less than half a core, so that what
 * follows is not measured while the controllers and kwok still digest the population.
 */
async function settle(state: string, what: string) {
  const started = performance.now();
  let cores = Infinity;
  while (performance.now() - started < 300_000) {
    const meter = cpuMeter(state);
    await sleep(5000);
    cores = meter();
    if (cores < 0.5) break;
  }
  const waitedMs = Math.round(performance.now() - started);
  log(
    `settled before ${what}: the cluster uses ${cores} cores (waited ${round(
      waitedMs / 1000,
    )} s; load ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')})`,
  );
  return { waitedMs, clusterCores: cores };
}

const mb = (bytes: number | undefined) =>
  bytes === undefined ? '?' : `${Math.round(bytes / 1024 / 1024)} MB`;

function versionOf(binary: string, args: string[], pattern: RegExp) {
  const r = spawnSync(binary, args, { encoding: 'utf8' });
  return pattern.exec(`${r.stdout}${r.stderr}`)?.[1];
}

// ---------------------------------------------------------------------------------------------------
// Population.

/**
 * The namespaces, and the Services and Deployments (applied with 0 replicas, then scaled: applying 500
 * Deployments one by one while their pods are being created takes kubectl a quarter of an hour on 2
 * busy cores).
 */
function populationManifests(options: Options) {
  const namespaces: string[] = [];
  const workloads: string[] = [];
  const scales: Array<{ namespace: string; name: string; replicas: number }> =
    [];
  const deployments = options.namespaces * DEPLOYMENTS_PER_NAMESPACE;
  const base = Math.floor(options.pods / deployments);
  const extra = options.pods % deployments;
  let index = 0;
  for (let n = 1; n <= options.namespaces; n++) {
    const ns = `team-${String(n).padStart(3, '0')}`;
    namespaces.push(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: ns,
          labels: {
            'istio-injection': 'enabled',
            team: `team-${n % 10}`,
            [BENCH_LABEL]: BENCH_LABEL_VALUE,
          },
        },
      }),
    );
    for (let d = 1; d <= DEPLOYMENTS_PER_NAMESPACE; d++) {
      const replicas = base + (index++ < extra ? 1 : 0);
      const app = `svc-${d}`;
      const id = `${ns}-${app}`;
      scales.push({ namespace: ns, name: app, replicas });
      const labels = {
        app,
        'backstage.io/kubernetes-id': id,
        [BENCH_LABEL]: BENCH_LABEL_VALUE,
      };
      workloads.push(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: app, namespace: ns, labels },
          spec: {
            selector: { app },
            ports: [{ name: 'http', port: 80, targetPort: 8080 }],
          },
        }),
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: app, namespace: ns, labels },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app } },
            template: {
              metadata: { labels: { ...labels, version: 'v1' } },
              spec: {
                containers: [
                  {
                    name: app,
                    image: `registry.example.com/${ns}/${app}:1.0.${d}`,
                    ports: [{ name: 'http', containerPort: 8080 }],
                  },
                ],
              },
            },
          },
        }),
      );
    }
  }
  return {
    namespaces: `${namespaces.join('\n---\n')}\n`,
    workloads: `${workloads.join('\n---\n')}\n`,
    scales,
  };
}

const ACCEPT_TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/**
 * The generated pods, and how many are Ready, from the API server's Table rendering (`kubectl get
 * pods`' columns, without the objects: a few MB for 20,000 pods). Deployment and ReplicaSet statuses
 * lag far behind while the controllers are busy creating pods, so they are not used.
 */
async function countPods(admin: Admin, selector: string) {
  // resourceVersion=0: from the API server's watch cache, in one answer (a paginated list with a
  // selector is read from etcd, and timed out at 60 s under load).
  const podTable = await admin.get(
    `/api/v1/pods?${selector}&includeObject=None&resourceVersion=0`,
    ACCEPT_TABLE,
  );
  const readyColumn = podTable.columnDefinitions.findIndex(
    (c: any) => c.name === 'Ready',
  );
  let ready = 0;
  for (const row of podTable.rows) {
    const [up, all] = String(row.cells[readyColumn]).split('/').map(Number);
    if (all > 0 && up === all) ready++;
  }
  return { created: podTable.rows.length, ready };
}

async function populate(
  cluster: RealCluster,
  admin: Admin,
  options: Options,
  work: string,
) {
  const started = performance.now();
  const manifests = populationManifests(options);
  const nsFile = join(work, 'namespaces.yaml');
  const workloadFile = join(work, 'workloads.yaml');
  writeFileSync(nsFile, manifests.namespaces);
  writeFileSync(workloadFile, manifests.workloads);
  const apply = (file: string) =>
    cluster.kubectl(
      ['apply', '--server-side', '--field-manager=inventory-bench', '-f', file],
      { timeoutMs: 1_800_000 },
    );
  log(`population: ${options.namespaces} namespaces`);
  await apply(nsFile);
  // Pods need their namespace's `default` ServiceAccount, which the controller-manager creates.
  for (;;) {
    const sas = await admin.get(
      '/api/v1/serviceaccounts?fieldSelector=metadata.name%3Ddefault',
    );
    const ready = sas.items.filter((sa: any) =>
      /^team-\d+$/.test(sa.metadata.namespace),
    ).length;
    if (ready >= options.namespaces) break;
    await sleep(500);
  }
  const selector = `labelSelector=${encodeURIComponent(
    `${BENCH_LABEL}=${BENCH_LABEL_VALUE}`,
  )}`;
  const existing = await admin.get(`/apis/apps/v1/deployments?${selector}`);
  const reused = existing.items.length === manifests.scales.length;
  if (reused) {
    // A cluster kept from an earlier run (REAL_BENCH_STATE): only wait for it.
    log('population: the Deployments exist already (kept cluster)');
  } else {
    log(
      `population: ${manifests.scales.length} Deployments (0 replicas) and Services`,
    );
    await apply(workloadFile);
  }
  const appliedMs = performance.now() - started;
  if (!reused) {
    log(`population: scaling to ${options.pods} pods`);
    const queue = [...manifests.scales];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          await admin.patch(
            `/apis/apps/v1/namespaces/${next.namespace}/deployments/${next.name}/scale`,
            { spec: { replicas: next.replicas } },
          );
        }
      }),
    );
  }
  const scaledMs = performance.now() - started;

  const peak: Record<string, number> = {};
  const notePeak = () => {
    for (const [name, bytes] of Object.entries(
      processMemory(cluster.env.REAL_CLUSTER_STATE),
    )) {
      peak[name] = Math.max(peak[name] ?? 0, bytes);
    }
  };
  let createdAt: number | undefined;
  let lastLog = 0;
  let last = { created: 0, ready: 0 };
  for (;;) {
    const { created, ready } = await countPods(admin, selector);
    const now = performance.now();
    if (createdAt === undefined && created >= options.pods) createdAt = now;
    if (now - lastLog >= 30_000 || ready >= options.pods) {
      notePeak();
      const rss = processMemory(cluster.env.REAL_CLUSTER_STATE);
      const seconds = (now - lastLog) / 1000;
      log(
        `population ${Math.round((now - started) / 1000)} s: ${created}/${
          options.pods
        } pods created, ${ready} Ready` +
          ` (${
            lastLog ? Math.round((created - last.created) / seconds) : '-'
          } created/s, ${
            lastLog ? Math.round((ready - last.ready) / seconds) : '-'
          } Ready/s); kube-apiserver ${mb(rss['kube-apiserver'])}, etcd ${mb(
            rss.etcd,
          )}; load ${loadavg()
            .map(l => l.toFixed(2))
            .join(' ')}`,
      );
      lastLog = now;
      last = { created, ready };
    }
    if (ready >= options.pods) break;
    if (now - started > options.populateTimeoutMs && created >= options.pods) {
      // Every pod exists (and went through istiod's webhook) but kwok has not made all of them Ready:
      // measure anyway, and say so in the figures (readyWhenMeasured).
      log(
        `population: ${ready} of ${created} pods Ready after ${Math.round(
          (now - started) / 1000,
        )} s; measuring with the rest still becoming Ready`,
      );
      last = { created, ready };
      break;
    }
    if (now - started > options.populateTimeoutMs) {
      throw new Error(
        `population: only ${created} pods created and ${ready} Ready after ${Math.round(
          (now - started) / 1000,
        )} s (of ${options.pods}); memory ${JSON.stringify(
          Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, mb(v)])),
        )}`,
      );
    }
    // Counting 20,000 pods costs the API server too: every 10 s.
    await sleep(10_000);
  }
  const readyAt = performance.now();

  // What real istiod injected: the sidecar status annotation of every pod, by revision.
  const pods = await listAll(admin, '/api/v1/pods', ACCEPT_METADATA_LIST);
  const live = pods.filter(p => !p.metadata.deletionTimestamp);
  const injectedByRevision: Record<string, number> = {};
  let generated = 0;
  let generatedInjected = 0;
  for (const pod of live) {
    const status = pod.metadata.annotations?.['sidecar.istio.io/status'];
    const isGenerated = /^team-\d+$/.test(pod.metadata.namespace);
    if (isGenerated) generated++;
    if (!status) continue;
    const revision = JSON.parse(status).revision ?? 'unknown';
    injectedByRevision[revision] = (injectedByRevision[revision] ?? 0) + 1;
    if (isGenerated) generatedInjected++;
  }
  notePeak();
  return {
    namespaces: options.namespaces,
    deployments: options.namespaces * DEPLOYMENTS_PER_NAMESPACE,
    services: options.namespaces * DEPLOYMENTS_PER_NAMESPACE,
    generatedPods: generated,
    generatedPodsInjected: generatedInjected,
    podsInCluster: live.length,
    injectedByRevision,
    applyMs: Math.round(appliedMs),
    scaledMs: Math.round(scaledMs),
    allCreatedMs: Math.round((createdAt ?? readyAt) - started),
    allReadyMs: Math.round(readyAt - started),
    readyWhenMeasured: last.ready,
    podsPerSecond: round(options.pods / ((readyAt - started) / 1000)),
    peakMemoryBytes: peak,
  };
}

// ---------------------------------------------------------------------------------------------------
// The Kubernetes plugin's ServiceAccount.

/**
 * What @backstage/plugin-kubernetes-backend (0.21) lists for an entity page: its DEFAULT_OBJECTS
 * (KubernetesFanOutHandler) with the entity's label selector, in the entity's namespace, and, for pod
 * metrics, `metrics.k8s.io` pods and pods again per namespace with pods (KubernetesFetcher). It only
 * lists. (Backstage's documentation grants get, list and watch.)
 */
const KUBERNETES_PLUGIN_RBAC = [
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'kubernetes-plugin', namespace: 'istio-upgrade' },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'backstage-kubernetes-plugin' },
    rules: [
      {
        apiGroups: [''],
        resources: [
          'pods',
          'services',
          'configmaps',
          'limitranges',
          'resourcequotas',
        ],
        verbs: ['list'],
      },
      {
        apiGroups: ['apps'],
        resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
        verbs: ['list'],
      },
      {
        apiGroups: ['autoscaling'],
        resources: ['horizontalpodautoscalers'],
        verbs: ['list'],
      },
      {
        apiGroups: ['batch'],
        resources: ['jobs', 'cronjobs'],
        verbs: ['list'],
      },
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['ingresses'],
        verbs: ['list'],
      },
      { apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['list'] },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'backstage-kubernetes-plugin' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'backstage-kubernetes-plugin',
    },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: 'kubernetes-plugin',
        namespace: 'istio-upgrade',
      },
    ],
  },
];

async function kubernetesPluginToken(cluster: RealCluster, work: string) {
  const file = join(work, 'kubernetes-plugin-rbac.yaml');
  writeFileSync(
    file,
    `${KUBERNETES_PLUGIN_RBAC.map(o => JSON.stringify(o)).join('\n---\n')}\n`,
  );
  await cluster.kubectl(['apply', '-f', file]);
  return (
    await cluster.kubectl([
      'create',
      'token',
      'kubernetes-plugin',
      '-n',
      'istio-upgrade',
      '--duration',
      '24h',
    ])
  ).trim();
}

// ---------------------------------------------------------------------------------------------------
// Counting API-server requests from the audit log.

type FullAuditEvent = AuditEvent & {
  auditID: string;
  requestReceivedTimestamp: string;
};

/**
 * The requests one user made between two instants, from the audit log (which records the
 * ServiceAccounts of `istio-upgrade`, stages ResponseStarted and ResponseComplete). A request counts
 * once (by audit ID) when the API server received it between the marks; so watches that were already
 * open at the first mark (the inventory's long-running watches) are not counted, even when they end
 * inside the window, and a watch opened inside it is.
 */
function requestsBetween(
  cluster: RealCluster,
  position: number,
  fromMs: number,
  toMs: number,
  user: string,
) {
  const byId = new Map<string, FullAuditEvent>();
  for (const e of cluster.auditEvents(position) as FullAuditEvent[]) {
    if (e.user?.username !== user) continue;
    const received = Date.parse(e.requestReceivedTimestamp);
    if (received < fromMs || received > toMs) continue;
    const seen = byId.get(e.auditID);
    if (!seen || e.stage === 'ResponseComplete') byId.set(e.auditID, e);
  }
  const byKind: Record<string, number> = {};
  for (const e of byId.values()) {
    const resource = e.objectRef?.resource
      ? `${e.objectRef.resource}${
          e.objectRef.apiGroup ? `.${e.objectRef.apiGroup}` : ''
        }`
      : e.requestURI.split('?')[0];
    const key = `${e.verb} ${resource} ${e.responseStatus?.code ?? '-'}`;
    byKind[key] = (byKind[key] ?? 0) + 1;
  }
  return { total: byId.size, byKind };
}

/** Runs `view` repeatedly and counts each plugin's requests while it does. */
async function viewWindow(
  cluster: RealCluster,
  view: () => Promise<number>,
  until: (samples: number[], startedAt: number) => boolean,
) {
  const position = cluster.auditPosition();
  const fromMs = Date.now();
  const startedAt = performance.now();
  const load = loadavg();
  const meter = cpuMeter(cluster.env.REAL_CLUSTER_STATE);
  const samples: number[] = [];
  while (!until(samples, startedAt)) samples.push(await view());
  const toMs = Date.now();
  const clusterCores = meter();
  // The audit log is written as responses complete; give it a moment.
  await sleep(1500);
  const requests = {
    'istio-upgrade': requestsBetween(
      cluster,
      position,
      fromMs,
      toMs,
      BACKEND_USER,
    ),
    kubernetes: requestsBetween(
      cluster,
      position,
      fromMs,
      toMs,
      KUBERNETES_PLUGIN_USER,
    ),
  };
  return {
    samples,
    requests,
    windowMs: toMs - fromMs,
    loadAverage: load.map(l => round(l, 2)),
    clusterCores,
  };
}

async function comparePageViews(
  cluster: RealCluster,
  backendUrl: string,
  options: Options,
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
    const started = performance.now();
    const r = await getJson(`${backendUrl}${ENTITY_PATH}`);
    return { ms: performance.now() - started, body: r.body, bytes: r.bytes };
  };

  // Warm-up, and what each answers.
  let first = await kubernetesPageView();
  for (let i = 0; i < 2; i++) first = await kubernetesPageView();
  const items = first.body.items ?? [];
  const podsSeen = items.reduce(
    (sum: number, c: any) =>
      sum +
      (c.resources ?? [])
        .filter((r: any) => r.type === 'pods')
        .reduce((n: number, r: any) => n + r.resources.length, 0),
    0,
  );
  const errors = items.flatMap((c: any) => c.errors ?? []);
  let ours = await ourPageView();
  for (let i = 0; i < 5; i++) ours = await ourPageView();
  const ourPods = ours.body.clusters.reduce(
    (sum: number, c: any) =>
      sum + c.workloads.reduce((n: number, w: any) => n + w.pods, 0),
    0,
  );

  log(
    `Kubernetes plugin: ${options.kubernetesCalls} page views (budget ${
      options.kubernetesBudgetMs / 1000
    } s)`,
  );
  const kubernetes = await viewWindow(
    cluster,
    async () => (await kubernetesPageView()).ms,
    (samples, startedAt) =>
      samples.length >= options.kubernetesCalls ||
      (samples.length >= 50 &&
        performance.now() - startedAt > options.kubernetesBudgetMs),
  );
  // A pause between the windows, for the backend's garbage collector to catch up.
  await sleep(3000);
  log(`istio-upgrade: ${options.latencyCalls} entity views`);
  const istioUpgrade = await viewWindow(
    cluster,
    async () => (await ourPageView()).ms,
    samples => samples.length >= options.latencyCalls,
  );

  const perView = (w: typeof kubernetes, who: 'istio-upgrade' | 'kubernetes') =>
    round(w.requests[who].total / w.samples.length, 3);
  const k = {
    latency: summary(kubernetes.samples),
    loadAverage: kubernetes.loadAverage,
    clusterCores: kubernetes.clusterCores,
    responseBytes: first.bytes,
    podsReturned: podsSeen,
    errorsReported: errors.map((e: any) => ({
      errorType: e.errorType,
      statusCode: e.statusCode,
      resourcePath: e.resourcePath,
    })),
    apiServerRequests: kubernetes.requests.kubernetes.total,
    apiServerRequestsPerPageView: perView(kubernetes, 'kubernetes'),
    apiServerRequestsByKind: kubernetes.requests.kubernetes.byKind,
    windowMs: kubernetes.windowMs,
    // The other plugin's own requests while this one was measured (background: resyncs, new watches).
    istioUpgradeRequestsMeanwhile: kubernetes.requests['istio-upgrade'],
  };
  const o = {
    latency: summary(istioUpgrade.samples),
    loadAverage: istioUpgrade.loadAverage,
    clusterCores: istioUpgrade.clusterCores,
    responseBytes: ours.bytes,
    podsReturned: ourPods,
    apiServerRequests: istioUpgrade.requests['istio-upgrade'].total,
    apiServerRequestsPerPageView: perView(istioUpgrade, 'istio-upgrade'),
    apiServerRequestsByKind: istioUpgrade.requests['istio-upgrade'].byKind,
    windowMs: istioUpgrade.windowMs,
  };
  return {
    pageView: {
      kubernetes:
        'GET /api/kubernetes/clusters + POST /api/kubernetes/services/{name} {entity}',
      istioUpgrade: `GET ${ENTITY_PATH}`,
    },
    counting:
      'audit log of the API server, per ServiceAccount: requests received between the first and the ' +
      'last page view of the window, counted once per audit ID (ResponseStarted/ResponseComplete); ' +
      'watches already open at the start are not counted',
    kubernetes: k,
    istioUpgrade: o,
    ratios: {
      latencyP50: round(k.latency.p50Ms / o.latency.p50Ms),
      latencyP99: round(k.latency.p99Ms / o.latency.p99Ms),
      apiServerRequests:
        o.apiServerRequestsPerPageView === 0
          ? null
          : round(
              k.apiServerRequestsPerPageView / o.apiServerRequestsPerPageView,
            ),
    },
  };
}

// ---------------------------------------------------------------------------------------------------

async function coldSync(
  backend: { url: string; readyAt: number; spawnedAt: number },
  expectedPods: number,
) {
  let completeAt: number | undefined;
  let countedAt: number | undefined;
  let counted = 0;
  for (;;) {
    const now = performance.now();
    if (completeAt === undefined) {
      const { body } = await getJson(
        `${backend.url}/api/istio-upgrade/clusters`,
      );
      if (
        body.items.length > 0 &&
        body.items.every((c: any) => c.sync.complete)
      )
        completeAt = now;
    } else {
      const { body } = await getJson(`${backend.url}/api/istio-upgrade/fleet`);
      counted = body.clusters.reduce((s: number, c: any) => s + c.pods, 0);
      if (counted >= expectedPods) {
        countedAt = now;
        break;
      }
    }
    if (now - backend.readyAt > 900_000) {
      throw new Error(
        `no cold sync in 15 minutes (inventory ${
          completeAt === undefined ? 'incomplete' : 'complete'
        }, fleet counting ${counted} of ${expectedPods} pods)`,
      );
    }
    await sleep(50);
  }
  return {
    pods: expectedPods,
    readyToCompleteMs: Math.round(completeAt - backend.readyAt),
    readyToFleetCountedMs: Math.round(countedAt - backend.readyAt),
    processStartToCompleteMs: Math.round(completeAt - backend.spawnedAt),
  };
}

type Report = Awaited<ReturnType<typeof measure>>;

async function measure(
  cluster: RealCluster,
  options: Options,
  work: string,
  upMs: number,
) {
  const admin = adminClient(cluster);
  const state = cluster.env.REAL_CLUSTER_STATE;
  const bin = cluster.env.REAL_CLUSTER_BIN;
  const versions = {
    kubernetes: cluster.env.REAL_CLUSTER_KUBERNETES_VERSION,
    istio: {
      [cluster.oldRevision]: cluster.oldVersion,
      [cluster.newRevision]: cluster.newVersion,
    },
    etcd: versionOf(join(bin, 'etcd'), ['--version'], /etcd Version:\s*(\S+)/),
    kwok: versionOf(join(bin, 'kwok'), ['--version'], /version\s+v?(\S+)/i),
    node: process.version,
    kubernetesPlugin: demoBackendRequire(
      '@backstage/plugin-kubernetes-backend/package.json',
    ).version as string,
  };

  const population = await populate(cluster, admin, options, work);
  log(
    `population: ${population.generatedPods} pods (${
      population.readyWhenMeasured
    } Ready) in ${round(population.allReadyMs / 1000)} s; ${
      population.generatedPodsInjected
    } injected by istiod (${JSON.stringify(population.injectedByRevision)})`,
  );
  const memoryAfterPopulation = processMemory(state);
  const settledAfterPopulation = await settle(state, 'the heap probes');

  const rcSetup = { clusters: cluster.clusters, caPem: cluster.caPem };
  log('heap probe: inventory engine');
  const inventoryHeap = await probeHeap(rcSetup, 'inventory', [cluster.name]);
  log('heap probe: whole pods');
  const fullPodHeap = await probeHeap(rcSetup, 'full-pods', [cluster.name]);

  const kubernetesToken = await kubernetesPluginToken(cluster, work);
  const setup = meshSimulatorBackendSetup(rcSetup, { token: 'readOnly' });
  setup.config.kubernetes = {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: cluster.name,
            url: cluster.env.REAL_CLUSTER_SERVER,
            authProvider: 'serviceAccount',
            serviceAccountToken: kubernetesToken,
            caData: Buffer.from(cluster.caPem).toString('base64'),
          },
        ],
      },
    ],
  };

  log('starting the backend');
  const backend = await startBenchBackend(setup);
  try {
    const sync = {
      ...(await coldSync(backend, population.podsInCluster)),
      engineAloneMs: inventoryHeap.syncMs,
    };
    log(
      `cold sync: inventory complete ${sync.readyToCompleteMs} ms, fleet counted ${sync.readyToFleetCountedMs} ms`,
    );
    const settledBeforeLatency = await settle(state, 'the latencies');
    log('latency: /fleet and the cluster inventory');
    const meter = cpuMeter(state);
    const latency = {
      loadAverage: loadavg().map(l => round(l, 2)),
      fleet: await measureLatency(
        `${backend.url}/api/istio-upgrade/fleet`,
        options.latencyCalls,
      ),
      clusterInventory: await measureLatency(
        `${backend.url}/api/istio-upgrade/clusters/${cluster.name}/inventory`,
        options.latencyCalls,
      ),
    };
    const latencyClusterCores = meter();
    const comparison = await comparePageViews(cluster, backend.url, options);
    const backendRss = processRss(backend.pid);
    return {
      generatedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryBytes: totalmem(),
        uptime: spawnSync('uptime', { encoding: 'utf8' }).stdout.trim(),
      },
      versions,
      cluster: {
        nodes: options.nodes,
        upMs,
        podReadyDelayMs: Number(process.env.REAL_CLUSTER_POD_READY_MS ?? 1000),
      },
      targets: {
        heapPerPodBytes: 1024,
        wholePodsOverInventory: 30,
        latencyP99Ms: 100,
        entityViewLatencyRatio: 10,
        entityViewRequestsRatio: 100,
      },
      population,
      coldSync: sync,
      heap: {
        inventory: inventoryHeap,
        fullPods: fullPodHeap,
        ratio: round(fullPodHeap.bytesPerPod / inventoryHeap.bytesPerPod),
        ratioToRecords: round(
          fullPodHeap.bytesPerPod /
            inventoryHeap.recordsAndInventoriesBytesPerPod,
        ),
      },
      latency: { ...latency, clusterCores: latencyClusterCores },
      settle: {
        afterPopulation: settledAfterPopulation,
        beforeLatency: settledBeforeLatency,
      },
      comparison,
      memoryBytes: {
        afterPopulation: memoryAfterPopulation,
        peakDuringPopulation: population.peakMemoryBytes,
        atEnd: {
          ...processMemory(state),
          'bench-backend': backendRss,
        } as Record<string, number>,
      },
    };
  } finally {
    await backend.stop();
  }
}

function processRss(pid: number | undefined) {
  if (!pid) return 0;
  const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], {
    encoding: 'utf8',
  });
  return Number(ps.stdout.trim()) * 1024;
}

function table(r: Report) {
  const rows: string[][] = [['figure', 'value', 'target', 'met']];
  const kb = (b: number) => `${round(b / 1024, 2)} KB`;
  const p = r.population;
  rows.push([
    'population (apply → every pod Ready)',
    `${p.generatedPods} pods (${p.readyWhenMeasured} Ready when measured), ${
      p.generatedPodsInjected
    } injected by real istiod, ${r.cluster.nodes} nodes: ${round(
      p.allReadyMs / 1000,
    )} s (${p.podsPerSecond} pods/s; all created ${round(
      p.allCreatedMs / 1000,
    )} s)`,
    '—',
    '',
  ]);
  rows.push([
    'cold sync (backend ready → inventory complete)',
    `${round(r.coldSync.readyToCompleteMs / 1000, 1)} s (${
      r.coldSync.pods
    } pods; engine alone ${round(r.coldSync.engineAloneMs / 1000, 1)} s)`,
    '—',
    '',
  ]);
  rows.push([
    'cold sync (ready → fleet counts every pod)',
    `${round(r.coldSync.readyToFleetCountedMs / 1000, 1)} s`,
    '—',
    '',
  ]);
  rows.push([
    'retained heap per pod (inventory)',
    `${kb(r.heap.inventory.bytesPerPod)} (records and inventories ${kb(
      r.heap.inventory.recordsAndInventoriesBytesPerPod,
    )})`,
    '≤ 1 KB',
    r.heap.inventory.bytesPerPod <= 1024 ? 'met' : 'missed',
  ]);
  rows.push([
    'retained heap per pod (whole pods)',
    `${kb(r.heap.fullPods.bytesPerPod)} (${r.heap.ratio}× the inventory; ${
      r.heap.ratioToRecords
    }× its records)`,
    '≥ 30× the inventory',
    r.heap.ratio >= 30 ? 'met' : 'missed',
  ]);
  for (const [name, l] of [
    ['/fleet', r.latency.fleet],
    [`/clusters/real/inventory`, r.latency.clusterInventory],
  ] as const) {
    rows.push([
      `latency ${name} p50 / p99`,
      `${l.p50Ms} / ${l.p99Ms} ms (${l.calls} calls, ${kb(l.responseBytes)})`,
      'p99 ≤ 100 ms',
      l.p99Ms <= 100 ? 'met' : 'missed',
    ]);
  }
  const c = r.comparison;
  rows.push([
    'entity view p50 / p99: istio-upgrade',
    `${c.istioUpgrade.latency.p50Ms} / ${c.istioUpgrade.latency.p99Ms} ms (${
      c.istioUpgrade.latency.calls
    } calls, ${kb(c.istioUpgrade.responseBytes)}, load ${
      c.istioUpgrade.loadAverage[0]
    }, cluster ${c.istioUpgrade.clusterCores} cores)`,
    '',
    '',
  ]);
  rows.push([
    'entity view p50 / p99: Kubernetes plugin',
    `${c.kubernetes.latency.p50Ms} / ${c.kubernetes.latency.p99Ms} ms (${
      c.kubernetes.latency.calls
    } calls, ${kb(c.kubernetes.responseBytes)}, load ${
      c.kubernetes.loadAverage[0]
    }, cluster ${c.kubernetes.clusterCores} cores)`,
    '',
    '',
  ]);
  rows.push([
    'entity view latency, Kubernetes plugin ÷ ours',
    `×${c.ratios.latencyP50} (p50) / ×${c.ratios.latencyP99} (p99)`,
    '≥ 10×',
    c.ratios.latencyP50 >= 10 && c.ratios.latencyP99 >= 10 ? 'met' : 'missed',
  ]);
  const ratio = c.ratios.apiServerRequests;
  // Ours making no request at all in the views (ratio null) meets the target when theirs made some.
  const requestsMet =
    ratio === null
      ? c.kubernetes.apiServerRequestsPerPageView > 0
      : ratio >= 100;
  rows.push([
    'API-server requests per entity view (audit log)',
    `Kubernetes plugin ${c.kubernetes.apiServerRequestsPerPageView} (${c.kubernetes.apiServerRequests} in ${c.kubernetes.latency.calls} views), ours ${c.istioUpgrade.apiServerRequestsPerPageView} (${c.istioUpgrade.apiServerRequests} in ${c.istioUpgrade.latency.calls} views)`,
    '≥ 100× fewer',
    `${requestsMet ? 'met' : 'missed'} (${
      ratio === null
        ? `${c.kubernetes.apiServerRequestsPerPageView} vs 0`
        : `×${ratio}`
    })`,
  ]);
  const m = r.memoryBytes;
  rows.push([
    'memory (ps rss): kube-apiserver / etcd',
    `${mb(m.atEnd['kube-apiserver'])} / ${mb(
      m.atEnd.etcd,
    )} (peak while populating ${mb(
      m.peakDuringPopulation['kube-apiserver'],
    )} / ${mb(m.peakDuringPopulation.etcd)}); bench backend ${mb(
      m.atEnd['bench-backend'],
    )}`,
    '—',
    '',
  ]);
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(row => row[i].length)),
  );
  return rows
    .map(row => row.map((cell, i) => cell.padEnd(widths[i])).join(' | '))
    .join('\n');
}

export async function main(argv: string[] = process.argv.slice(2)) {
  const options = readOptions(argv);
  const givenState = process.env.REAL_BENCH_STATE;
  const work = mkdtempSync(join(tmpdir(), 'inventory-real-'));
  const state = givenState ? resolve(givenState) : join(work, 'cluster');
  const clusterEnv: Record<string, string> = {
    REAL_CLUSTER_STATE: state,
    REAL_CLUSTER_NODES: String(options.nodes),
  };

  let downDone = false;
  const downSync = () => {
    if (downDone) return;
    downDone = true;
    if (options.keep) {
      log(
        `--keep: the cluster stays up (REAL_BENCH_STATE=${state}; scripts/real-cluster.sh down with REAL_CLUSTER_STATE=${state})`,
      );
    } else {
      log('taking the cluster down');
      spawnSync(SCRIPT, ['down'], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, ...clusterEnv },
      });
    }
    rmSync(work, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    downSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', downSync);

  try {
    log(
      `starting a real cluster with ${
        options.nodes
      } kwok nodes in ${state} (load ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')})`,
    );
    const upStarted = performance.now();
    await runScript('up', clusterEnv);
    const upMs = Math.round(performance.now() - upStarted);
    process.env.REAL_CLUSTER_ENV = join(state, 'env');
    const cluster = realCluster();

    const report = await measure(cluster, options, work, upMs);
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${table(report)}\n\nwritten to ${RESULTS}\n`);
  } finally {
    downSync();
  }
}
