import { ChurnGenerator } from './churn/churnGenerator';
import { SimClock } from './clock/simClock';
import { SimulatedCluster } from './cluster/simulatedCluster';
import {
  ControlPlaneInstall,
  InstalledControlPlane,
  installControlPlane,
} from './istio/controlPlaneInstall';
import { loadScenarioCluster, scenarioFlows } from './scenarios/scenarioLoader';
import { readScenario } from './scenarios/scenarioSources';
import { ScenarioCluster } from './scenarios/scenarioFormat';
import { ClusterTokens, makeToken, TokenRegistry } from './server/accessTokens';
import { generateCertificates } from './server/certificates';
import { MeshServer } from './server/meshServer';
import { ClusterInfo, writeStateFiles } from './server/stateFiles';
import {
  ClusterLoadTime,
  collectSimulatorStats,
  countObjects,
  LoadTimes,
  processMemory,
  ScenarioLoadTime,
  SimulatorStats,
} from './stats/simulatorStats';

/** Changes a cluster's history holds at most, unless `historyWindow` says otherwise. */
const defaultHistoryWindow = 10000;
/** Changes kept fleet-wide beyond the last 75 s, unless `historyBudget` says otherwise. */
const defaultHistoryBudget = 500000;
/** The least share of the budget a cluster keeps, however many clusters there are. */
const minHistoryPerCluster = 1000;

/**
 * Options of {@link startMeshSimulator}.
 *
 * @public
 */
export interface MeshSimulatorOptions {
  /** Scenarios to serve together: `seed`, `demo`, `fleet:CxP` or YAML files. */
  scenarios: string[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Simulated clock speed factor (default 1). */
  speed?: number;
  /** Where to write kubeconfig, ca.crt and mesh-sim.json; nothing is written without it. */
  stateDir?: string;
  /** Kubeconfig path (default `<stateDir>/kubeconfig`). */
  kubeconfigPath?: string;
  /** Derives tokens from this seed instead of random ones. */
  tokenSeed?: string;
  /** Changes kept per cluster for watch resumption, at most (default 10,000). */
  historyWindow?: number;
  /**
   * Changes kept fleet-wide in the clusters' histories beyond their last 75 s (default
   * 500,000, used when `historyWindow` is not given): each cluster keeps its share (at least
   * 1,000, at most `historyWindow`) plus whatever changed in the last 75 s of simulated time, as
   * kube-apiserver's watch cache keeps at least 75 s of events. Up to 50 clusters this is the
   * whole window; at 200 clusters 2,500 changes each, where 10,000 each held gigabytes of
   * superseded object versions under churn.
   */
  historyBudget?: number;
  /**
   * Simulated seconds an Event lives after its last write before it is deleted, as
   * kube-apiserver's `--event-ttl` (default 3,600: one hour).
   */
  eventTtlSeconds?: number;
  /** Real seconds between BOOKMARK events on watches that allow them (default 10). */
  bookmarkIntervalSeconds?: number;
  /** Real milliseconds between controller ticks (default 50). */
  tickMs?: number;
  /** Starts the churn generator at this many pod changes per second once serving. */
  churnPodChangesPerSecond?: number;
  log?: (message: string) => void;
}

/**
 * A running simulator.
 *
 * @public
 */
export interface RunningMeshSimulator {
  url: string;
  caPem: string;
  /** The simulator-wide admin token (every cluster and /sim/v1). */
  adminToken: string;
  clusters: ClusterInfo[];
  kubeconfigPath?: string;
  /** The simulated clock, to change its speed. */
  clock: SimClock;
  /** A simulated cluster by name, for in-process inspection by this package's tests. */
  cluster(name: string): SimulatedCluster;
  /**
   * Installs a control plane revision on a cluster installed with Helm or istioctl, as a person
   * running the `helm upgrade --install istiod-<rev>` of an upgrade plan does (the in-process
   * twin of `POST /sim/v1/clusters/<cluster>/control-planes`). Throws an error with `code` 409
   * when the revision exists or Sail manages the cluster, 400 for a version the simulator does
   * not render, 404 (`Error`) for an unknown cluster.
   */
  installControlPlane(
    cluster: string,
    install: ControlPlaneInstall,
  ): InstalledControlPlane;
  /**
   * The churn generator: rolling restarts across the fleet at a set rate of pod changes per
   * second (the in-process twin of `/sim/v1/churn`).
   */
  churn: ChurnGenerator;
  /** How long each scenario and cluster took to build, and the whole start. */
  load: LoadTimes;
  /** Memory, CPU, load times, object counts and churn (the in-process twin of `/sim/v1/stats`). */
  stats(): SimulatorStats;
  stop(): Promise<void>;
}

function tokensFor(
  spec: ScenarioCluster,
  seed: string | undefined,
): ClusterTokens {
  const namespaced: Record<string, string> = {};
  for (const ns of spec.namespaces ?? []) {
    namespaced[ns.name] =
      spec.tokens?.namespaced?.[ns.name] ??
      makeToken(seed, `${spec.name}/namespaced/${ns.name}`);
  }
  for (const [ns, token] of Object.entries(spec.tokens?.namespaced ?? {}))
    namespaced[ns] = token;
  return {
    admin: spec.tokens?.admin ?? makeToken(seed, `${spec.name}/admin`),
    readOnly:
      spec.tokens?.readOnly ?? makeToken(seed, `${spec.name}/read-only`),
    namespaced,
  };
}

/**
 * Starts a simulator serving the given scenarios over HTTPS, with its own CA and tokens.
 *
 * @public
 */
export async function startMeshSimulator(
  options: MeshSimulatorOptions,
): Promise<RunningMeshSimulator> {
  const log =
    options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const host = options.host ?? '127.0.0.1';
  const clock = new SimClock(options.speed ?? 1);
  const startedAt = performance.now();
  const since = (t: number) => Math.round((performance.now() - t) * 10) / 10;
  const scenarios = options.scenarios.map(source => {
    const readStarted = performance.now();
    const clusterSpecs = readScenario(source).clusters;
    return { source, specs: clusterSpecs, readMs: since(readStarted) };
  });
  const specs = scenarios.flatMap(s => s.specs);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) {
      throw new Error(
        `cluster name "${spec.name}" appears in more than one scenario; cluster names must be unique`,
      );
    }
    seen.add(spec.name);
  }
  const tokens = new TokenRegistry(
    makeToken(options.tokenSeed, 'simulator/admin'),
  );
  const clusters = new Map<string, SimulatedCluster>();
  const clusterTokens = new Map<string, ClusterTokens>();
  const scenarioTimes: ScenarioLoadTime[] = [];
  const clusterTimes: ClusterLoadTime[] = [];
  const historyWindow = options.historyWindow ?? defaultHistoryWindow;
  const historyRetention =
    options.historyBudget !== undefined || options.historyWindow === undefined
      ? {
          changes: Math.max(
            minHistoryPerCluster,
            Math.floor(
              (options.historyBudget ?? defaultHistoryBudget) /
                Math.max(1, specs.length),
            ),
          ),
        }
      : undefined;
  for (const scenario of scenarios) {
    const scenarioStarted = performance.now();
    let scenarioPods = 0;
    for (const spec of scenario.specs) {
      const clusterStarted = performance.now();
      const cluster = new SimulatedCluster(spec.name, clock, {
        historyWindow,
        historyRetention,
        bookmarkIntervalMs: (options.bookmarkIntervalSeconds ?? 10) * 1000,
        eventTtlMs:
          options.eventTtlSeconds === undefined
            ? undefined
            : options.eventTtlSeconds * 1000,
        flows: scenarioFlows(spec),
        log,
      });
      loadScenarioCluster(cluster, spec);
      const loadMs = since(clusterStarted);
      const counted = countObjects(cluster);
      scenarioPods += counted.pods;
      clusterTimes.push({
        name: spec.name,
        scenario: scenario.source,
        loadMs,
        ...counted,
      });
      clusters.set(spec.name, cluster);
      const t = tokensFor(spec, options.tokenSeed);
      clusterTokens.set(spec.name, t);
      tokens.register(spec.name, t);
    }
    scenarioTimes.push({
      scenario: scenario.source,
      clusters: scenario.specs.length,
      readMs: scenario.readMs,
      loadMs: since(scenarioStarted),
      pods: scenarioPods,
    });
  }
  const certificatesStarted = performance.now();
  const certificates = generateCertificates(host);
  const certificatesMs = since(certificatesStarted);
  const churn = new ChurnGenerator(clusters, clock);
  const load: LoadTimes = {
    totalMs: 0,
    certificatesMs,
    scenarios: scenarioTimes,
    clusters: clusterTimes,
  };
  const stats = () => collectSimulatorStats(clusters, load, churn.status());
  const server = new MeshServer({
    host,
    port: options.port ?? 6443,
    clusters,
    tokens,
    certificates,
    clock,
    churn,
    stats,
  });
  const url = await server.listen();
  load.totalMs = since(startedAt);
  const info: ClusterInfo[] = specs.map(s => ({
    name: s.name,
    server: `${url}/clusters/${s.name}`,
    tokens: clusterTokens.get(s.name)!,
  }));
  const kubeconfigPath = options.stateDir
    ? writeStateFiles({
        stateDir: options.stateDir,
        kubeconfigPath: options.kubeconfigPath,
        url,
        adminToken: tokens.simulatorAdminToken,
        caPem: certificates.caPem,
        clusters: info,
        load: {
          totalMs: load.totalMs,
          certificatesMs,
          scenarios: scenarioTimes,
        },
        memoryAfterLoad: processMemory(),
      })
    : undefined;
  const ticker = setInterval(() => {
    churn.tick();
    for (const cluster of clusters.values()) cluster.tick();
  }, options.tickMs ?? 50);
  if (options.churnPodChangesPerSecond !== undefined) {
    churn.start(options.churnPodChangesPerSecond);
  }
  let stopped = false;
  return {
    url,
    caPem: certificates.caPem,
    adminToken: tokens.simulatorAdminToken,
    clusters: info,
    kubeconfigPath,
    clock,
    cluster(name: string) {
      const c = clusters.get(name);
      if (!c) throw new Error(`no cluster named ${name}`);
      return c;
    },
    installControlPlane(name: string, install: ControlPlaneInstall) {
      const c = clusters.get(name);
      if (!c) throw new Error(`no cluster named ${name}`);
      return installControlPlane(c, install);
    },
    churn,
    load,
    stats,
    async stop() {
      if (stopped) return;
      stopped = true;
      churn.stop();
      clearInterval(ticker);
      for (const c of clusters.values()) c.watches.dropAll();
      await server.close();
    },
  };
}
