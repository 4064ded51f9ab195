/*
 * Where the simulator's time and memory go under churn. Loads a fleet in this process, then
 * runs the churn generator at a target with the V8 profiler on (churn only, not the load), and
 * reports the functions by self time, and what grew: objects by kind, the change history and
 * the heap (after a full gc). No watch is open (bench/scale.mjs measures the CPU with one
 * pod watch per cluster). Run by
 * bench/scale.mjs (`--profile`) as:
 *   node --expose-gc -r @backstage/cli/config/nodeTransform.cjs bench/churnProfile.ts fleet:50x2000 1000 60 [EVENT_TTL] [HISTORY]
 * (EVENT_TTL as `mesh-sim serve --event-ttl` takes it, `-` for the simulator's 1 h; HISTORY a
 * fixed number of changes kept per cluster, as `--history N` alone keeps them, instead of the
 * default fleet-wide budget)
 * and prints one JSON line.
 */
import { Session } from 'node:inspector/promises';
import { resourceTypes, typeKey } from '../src/api/resourceTypes';
import { parseDurationSeconds } from '../src/cli/serveArguments';
import { startMeshSimulator } from '../src/meshSimulator';

const gc = (global as { gc?: () => void }).gc;
const delay = (ms: number) => new Promise(r => setTimeout(r, ms));

function heapAfterGc(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function main() {
  const scenario = process.argv[2] ?? 'fleet:50x2000';
  const rate = Number(process.argv[3] ?? 1000);
  const seconds = Number(process.argv[4] ?? 60);
  const eventTtl =
    process.argv[5] && process.argv[5] !== '-' ? process.argv[5] : undefined;
  const historyWindow = process.argv[6] ? Number(process.argv[6]) : undefined;
  const sim = await startMeshSimulator({
    scenarios: [scenario],
    eventTtlSeconds: eventTtl ? parseDurationSeconds(eventTtl) : undefined,
    historyWindow,
    port: 0,
    log: () => {},
  });
  const clusters = sim.clusters.map(c => sim.cluster(c.name));
  const counts = () => {
    const out: Record<string, number> = {};
    for (const rt of resourceTypes) {
      const n = clusters.reduce((sum, c) => sum + c.store.count(rt), 0);
      if (n > 0) out[typeKey(rt)] = n;
    }
    return out;
  };
  const historyEntries = () =>
    clusters.reduce((n, c) => n + c.store.historySize(), 0);
  const before = {
    heapUsedBytes: heapAfterGc(),
    objects: counts(),
    historyEntries: historyEntries(),
  };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  sim.churn.start(rate);
  await delay(seconds * 1000);
  const status = sim.churn.stop();
  const elapsed = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const after = {
    heapUsedBytes: heapAfterGc(),
    objects: counts(),
    historyEntries: historyEntries(),
  };
  await sim.stop();

  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const where = url
      ? `${url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${
          lineNumber + 1
        }`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + (node.hitCount ?? 0));
    busy += node.hitCount ?? 0;
  }
  const grew: Record<string, number> = {};
  for (const [kind, n] of Object.entries(after.objects)) {
    const d = n - (before.objects[kind] ?? 0);
    if (d !== 0) grew[kind] = d;
  }
  process.stdout.write(
    `${JSON.stringify({
      scenario,
      ...(eventTtl ? { eventTtl } : {}),
      ...(historyWindow ? { historyPerCluster: historyWindow } : {}),
      targetPodChangesPerSecond: rate,
      seconds: Math.round(elapsed * 10) / 10,
      churn: status,
      cpuPercentOfOneCore:
        Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 1000) / 10,
      topSelfTime: [...byFunction.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20)
        .map(([fn, hits]) => ({
          function: fn,
          percentOfBusy: Math.round((hits / busy) * 1000) / 10,
        })),
      objectsGrew: grew,
      historyEntries: {
        before: before.historyEntries,
        after: after.historyEntries,
      },
      heapUsedMB: {
        before: Math.round(before.heapUsedBytes / 1048576),
        after: Math.round(after.heapUsedBytes / 1048576),
      },
    })}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
