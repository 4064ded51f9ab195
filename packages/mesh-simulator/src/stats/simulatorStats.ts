import { getHeapStatistics } from 'node:v8';
import { resourceTypeNamed, resourceTypes } from '../api/resourceTypes';
import { ChurnStatus } from '../churn/churnGenerator';
import { SimulatedCluster } from '../cluster/simulatedCluster';

const pods = resourceTypeNamed('pods');

/**
 * How long one cluster took to build: creating it, loading its scenario objects and settling
 * its controllers.
 *
 * @public
 */
export interface ClusterLoadTime {
  name: string;
  scenario: string;
  loadMs: number;
  pods: number;
  objects: number;
}

/**
 * How long one scenario took: generating or reading it, then building its clusters.
 *
 * @public
 */
export interface ScenarioLoadTime {
  scenario: string;
  clusters: number;
  /** Generating (`fleet:CxP`) or reading and parsing (YAML) the scenario. */
  readMs: number;
  /** Building its clusters. */
  loadMs: number;
  pods: number;
}

/**
 * The simulator's load times, from the start of `startMeshSimulator` to serving.
 *
 * @public
 */
export interface LoadTimes {
  /** From the start to the server listening. */
  totalMs: number;
  /** Generating the CA and serving certificate. */
  certificatesMs: number;
  scenarios: ScenarioLoadTime[];
  clusters: ClusterLoadTime[];
}

/**
 * The simulator process's memory, as `process.memoryUsage()` reports it.
 *
 * @public
 */
export interface ProcessMemory {
  heapUsedBytes: number;
  heapTotalBytes: number;
  rssBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

/**
 * What the simulator reports about itself (`GET /sim/v1/stats`), so benchmarks can record
 * its cost next to the figures of the clients they measure.
 *
 * @public
 */
export interface SimulatorStats {
  pid: number;
  /** The Node.js heap limit (`--max-old-space-size` or the default). */
  heapLimitBytes: number;
  memory: ProcessMemory;
  /** CPU time of the process since it started. */
  cpu: { userMicros: number; systemMicros: number };
  uptimeSeconds: number;
  load: LoadTimes;
  objects: { clusters: number; pods: number; total: number };
  /** Changes held in the clusters' histories (watch resumption), fleet-wide. */
  historyChanges: number;
  churn: ChurnStatus;
}

/** The process's memory now. */
export function processMemory(): ProcessMemory {
  const m = process.memoryUsage();
  return {
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    rssBytes: m.rss,
    externalBytes: m.external,
    arrayBuffersBytes: m.arrayBuffers,
  };
}

/** Pods and objects of every type in one cluster. */
export function countObjects(cluster: SimulatedCluster): {
  pods: number;
  objects: number;
} {
  let objects = 0;
  for (const t of resourceTypes) objects += cluster.store.count(t);
  return { pods: cluster.store.count(pods), objects };
}

/** Collects {@link SimulatorStats}. */
export function collectSimulatorStats(
  clusters: Map<string, SimulatedCluster>,
  load: LoadTimes,
  churn: ChurnStatus,
): SimulatorStats {
  const cpu = process.cpuUsage();
  let podCount = 0;
  let total = 0;
  let historyChanges = 0;
  for (const cluster of clusters.values()) {
    const counted = countObjects(cluster);
    podCount += counted.pods;
    total += counted.objects;
    historyChanges += cluster.store.historySize();
  }
  return {
    pid: process.pid,
    heapLimitBytes: getHeapStatistics().heap_size_limit,
    memory: processMemory(),
    cpu: { userMicros: cpu.user, systemMicros: cpu.system },
    uptimeSeconds: Math.round(process.uptime() * 10) / 10,
    load,
    objects: { clusters: clusters.size, pods: podCount, total },
    historyChanges,
    churn,
  };
}
