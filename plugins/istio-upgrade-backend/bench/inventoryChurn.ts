/*
 * The churn half of `yarn bench:inventory` (issue 15): with the backend synced, the simulator's churn
 * generator drives rolling restarts at a steady rate across the fleet, and this measures
 *
 * - the rate achieved (pod changes the simulator's stores saw, over real time);
 * - p99 latency of /fleet, the cluster inventory and the entity view while it runs;
 * - API-server requests per cluster per hour at steady state (every cluster's request counters over
 *   a measured window in which nothing but the backend talks to the API servers, scaled to an hour);
 * - freshness: a pod created in a namespace the churn never touches (bare pods, no Deployment) →
 *   the cluster inventory counting it, so the churn's own pods cannot be mistaken for the change;
 * - a second backend replica on the same fleet: its cold sync, and what it adds to the API servers.
 */
import { performance } from 'node:perf_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACCEPT_METADATA,
  ACCEPT_METADATA_LIST,
  ClusterHttpClient,
} from '../src/kubernetes/ClusterHttpClient';
import { RateLimiter } from '../src/kubernetes/RateLimiter';
import { MeshSimulatorProcess } from '../src/testing/meshSimulator';
import { getJson, round, sleep, summary, timed } from './inventoryBench';

/** The namespace the freshness probe creates its pods in (no Deployment: the churn passes it over). */
export const FRESHNESS_NAMESPACE = 'bench-freshness';
/** How long a change may take to show before it is counted at this limit. */
const FRESHNESS_LIMIT_MS = 60_000;

export function adminClient(simulator: MeshSimulatorProcess, cluster: string) {
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

/** Every cluster's API-server request counters: reset, or summed since the last reset. */
export async function apiServerRequests(
  simulator: MeshSimulatorProcess,
  reset: boolean,
) {
  let total = 0;
  const byVerbAndResource: Record<string, number> = {};
  const perCluster: number[] = [];
  // 200 clusters: a few at a time, so the simulator's event loop is not flooded.
  const names = simulator.clusters.map(c => c.name);
  const answers: any[] = [];
  for (let i = 0; i < names.length; i += 20) {
    answers.push(
      ...(await Promise.all(
        names
          .slice(i, i + 20)
          .map(name =>
            reset
              ? simulator.sim('POST', `clusters/${name}/stats/reset`)
              : simulator.sim('GET', `clusters/${name}/stats`),
          ),
      )),
    );
  }
  if (reset) return { total, byVerbAndResource, perCluster };
  for (const stats of answers) {
    total += stats.total;
    perCluster.push(stats.total);
    for (const [key, n] of Object.entries(
      stats.byVerbAndResource as Record<string, number>,
    )) {
      byVerbAndResource[key] = (byVerbAndResource[key] ?? 0) + n;
    }
  }
  return { total, byVerbAndResource, perCluster };
}

/** Resets the counters, waits (running `during` meanwhile), and scales what was counted to an hour. */
export async function requestsPerClusterHour(
  simulator: MeshSimulatorProcess,
  during: () => Promise<unknown>,
) {
  await apiServerRequests(simulator, true);
  const started = performance.now();
  await during();
  const counted = await apiServerRequests(simulator, false);
  const seconds = (performance.now() - started) / 1000;
  const clusters = simulator.clusters.length;
  const perHour = (n: number) => round((n / clusters / seconds) * 3600, 0);
  return {
    windowSeconds: round(seconds, 1),
    requests: counted.total,
    perClusterPerHour: perHour(counted.total),
    maxClusterPerHour: round(
      (Math.max(...counted.perCluster) / seconds) * 3600,
      0,
    ),
    byVerbAndResourcePerClusterPerHour: Object.fromEntries(
      Object.entries(counted.byVerbAndResource)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => [k, perHour(n)]),
    ),
  };
}

/** The churn generator's status, with the pod changes counted so far. */
export async function churnStatus(simulator: MeshSimulatorProcess) {
  return simulator.sim('GET', 'churn');
}

/** Starts the churn at `rate` pod changes per second of real time (the simulated clock set to speed 1). */
export async function startChurn(
  simulator: MeshSimulatorProcess,
  rate: number,
) {
  await simulator.sim('POST', 'clock', { speed: 1 });
  return simulator.sim('POST', 'churn', { podChangesPerSecond: rate });
}

export async function stopChurn(simulator: MeshSimulatorProcess) {
  return simulator.sim('DELETE', 'churn');
}

/** Samples the churn rate: pods created plus deleted over real time, and the generator's 10-s windows. */
export function churnMeter(simulator: MeshSimulatorProcess) {
  const windows: number[] = [];
  let first: { at: number; observed: number } | undefined;
  let last: { at: number; observed: number; status: any } | undefined;
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      const status = await churnStatus(simulator);
      const at = performance.now();
      if (!first) first = { at, observed: status.podChangesObserved };
      last = { at, observed: status.podChangesObserved, status };
      windows.push(status.achievedPodChangesPerSecond);
      for (let i = 0; i < 50 && !stopped; i++) await sleep(100);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await sampling;
      const seconds = first && last ? (last.at - first.at) / 1000 : 0;
      return {
        target: last?.status.podChangesPerSecond,
        achievedPodChangesPerSecond:
          seconds > 0 ? round((last!.observed - first!.observed) / seconds) : 0,
        overSeconds: round(seconds, 1),
        generatorWindowsPerSecond: {
          min: round(Math.min(...windows)),
          max: round(Math.max(...windows)),
        },
        restartsIssued: last?.status.restartsIssued,
        skippedBusy: last?.status.skippedBusy,
        workloads: last?.status.workloads,
      };
    },
  };
}

/**
 * Calls the three endpoints in turn for `seconds` (and at least `minCalls` times each): a fixed window,
 * so a slow backend gives fewer samples rather than a longer run.
 */
export async function latencyWhile(
  urls: Record<string, string>,
  minCalls: number,
  seconds: number,
) {
  const samples: Record<string, number[]> = {};
  const bytes: Record<string, number> = {};
  for (const name of Object.keys(urls)) samples[name] = [];
  const started = performance.now();
  while (
    Object.values(samples).some(s => s.length < minCalls) ||
    performance.now() - started < seconds * 1000
  ) {
    for (const [name, url] of Object.entries(urls)) {
      const r = await timed(url);
      samples[name].push(r.ms);
      bytes[name] = r.bytes;
    }
    await sleep(20);
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [
      name,
      { ...summary(s), responseBytes: bytes[name] },
    ]),
  );
}

const revisionOf = (meta: any): string | undefined => {
  const status = meta?.annotations?.['sidecar.istio.io/status'];
  return status ? JSON.parse(status).revision : undefined;
};

/**
 * Creates a namespace (`istio.io/rev=canary`) on the first clusters and, one at a time, bare pods in
 * it; times each from the moment the API server streams the new pod to the moment
 * `/clusters/{c}/inventory` counts it (polled every 10 ms).
 */
export async function measureFreshnessUnderChurn(
  simulator: MeshSimulatorProcess,
  backendUrl: string,
  changes: number,
) {
  const clusters = simulator.clusters.slice(0, 5).map(c => c.name);
  const namespace = FRESHNESS_NAMESPACE;
  const countOn = async (cluster: string) => {
    const { body } = await getJson(
      `${backendUrl}/api/istio-upgrade/clusters/${cluster}/inventory`,
    );
    const ns = body.namespaces.find((n: any) => n.name === namespace);
    return (ns?.podsByRevision ?? []).reduce(
      (a: number, r: any) => a + r.count,
      0,
    ) as number;
  };
  let serial = 0;
  const createPod = async (client: ClusterHttpClient) =>
    client.request({
      method: 'POST',
      path: `/api/v1/namespaces/${namespace}/pods`,
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `fresh-${Date.now().toString(36)}-${serial++}`,
          labels: { app: 'bench-freshness' },
        },
        spec: { containers: [{ name: 'app', image: 'bench/app:1' }] },
      },
    });
  for (const cluster of clusters) {
    const client = adminClient(simulator, cluster);
    await client
      .request({
        method: 'POST',
        path: '/api/v1/namespaces',
        body: {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: namespace, labels: { 'istio.io/rev': 'canary' } },
        },
      })
      .catch(error => {
        if (!/409|AlreadyExists/i.test(String(error))) throw error;
      });
    await createPod(client);
    client.close();
    const deadline = performance.now() + 60_000;
    while ((await countOn(cluster)) === 0) {
      if (performance.now() > deadline)
        throw new Error(`${namespace} never appeared in ${cluster}`);
      await sleep(50);
    }
  }

  const samples: number[] = [];
  let notShownInTime = 0;
  const revisions = new Set<string>();
  for (let i = 0; i < changes; i++) {
    const cluster = clusters[i % clusters.length];
    const client = adminClient(simulator, cluster);
    const list = await client.request<any>({
      path: `/api/v1/namespaces/${namespace}/pods`,
      accept: ACCEPT_METADATA_LIST,
    });
    const before = await countOn(cluster);
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
          if (changedAt === undefined && event.type === 'ADDED') {
            changedAt = performance.now();
            revisions.add(revisionOf(event.object.metadata) ?? 'none');
          }
        },
      )
      .catch(() => {});
    await createPod(client);
    let shownAt: number | undefined;
    const deadline = performance.now() + FRESHNESS_LIMIT_MS;
    while (performance.now() < deadline) {
      if ((await countOn(cluster)) > before) {
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
    if (changedAt === undefined) {
      throw new Error(`pod ${i} in ${cluster} was never streamed`);
    }
    if (shownAt === undefined) {
      // Counted at the limit: the p99 is then a lower bound.
      notShownInTime++;
      shownAt = changedAt + FRESHNESS_LIMIT_MS;
    }
    samples.push(Math.max(0, shownAt - changedAt));
  }
  return {
    changes: samples.length,
    notShownWithinMs: FRESHNESS_LIMIT_MS,
    notShownInTime,
    clusters,
    namespace,
    podRevisions: [...revisions],
    ...summary(samples),
  };
}

/** Polls `/clusters` until every cluster is complete; the time from `since`, or undefined past the limit. */
export async function waitForCompleteSync(
  backendUrl: string,
  since: number,
  limitMs: number,
) {
  for (;;) {
    const now = performance.now();
    const { body } = await getJson(`${backendUrl}/api/istio-upgrade/clusters`);
    if (body.items.every((c: any) => c.sync.complete)) return now - since;
    if (now - since > limitMs) return undefined;
    await sleep(200);
  }
}

/**
 * The busiest functions of a V8 CPU profile (`--cpu-prof`) by self time, for the results' notes.
 */
export function summariseCpuProfiles(dir: string, top = 15) {
  const files = readdirSync(dir).filter(f => f.endsWith('.cpuprofile'));
  return files.map(file => {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const selfById = new Map<number, number>();
    const deltas: number[] = profile.timeDeltas ?? [];
    (profile.samples as number[]).forEach((id, i) => {
      selfById.set(id, (selfById.get(id) ?? 0) + (deltas[i] ?? 0));
    });
    const byFunction = new Map<string, number>();
    let totalUs = 0;
    for (const node of profile.nodes) {
      const us = selfById.get(node.id) ?? 0;
      totalUs += us;
      const f = node.callFrame;
      const where = f.url
        ? `${f.url.replace(/^.*\/(node_modules|plugins|packages)\//, '$1/')}:${
            f.lineNumber + 1
          }`
        : '';
      const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    }
    return {
      file,
      profiledSeconds: round(totalUs / 1e6, 1),
      topSelfTime: [...byFunction.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([fn, us]) => ({
          function: fn,
          seconds: round(us / 1e6, 1),
          percent: round((us / totalUs) * 100, 1),
        })),
    };
  });
}
