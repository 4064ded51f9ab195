/*
 * Where the simulator's memory goes, by object kind. Loads a fleet in this process, then
 * measures the heap (after a full gc) as it drops, in turn: the store's change history (the
 * watch-resumption window), each kind's objects largest first, the owner index, and finally
 * the clusters themselves. Each drop's heap delta is what that part retains that nothing else
 * does (shared structures count for whichever part drops last). A profiling aid only: it
 * reaches into the store's private fields to drop them, which the simulator never does.
 * Run by bench/scale.mjs (`--profile`) as:
 *   node --expose-gc -r @backstage/cli/config/nodeTransform.cjs bench/memoryByKind.ts fleet:10x1000 [RATE SECONDS]
 * and prints one JSON line. With RATE and SECONDS, the churn generator runs at RATE pod changes
 * per second for SECONDS after the load, so the parts are measured as churn leaves them.
 */
import { resourceTypes, typeKey } from '../src/api/resourceTypes';
import { startMeshSimulator } from '../src/meshSimulator';

const gc = (global as { gc?: () => void }).gc;

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

async function main() {
  if (!gc) throw new Error('run with --expose-gc');
  const scenario = process.argv[2] ?? 'fleet:10x1000';
  const before = heapAfterGc();
  const sim = await startMeshSimulator({
    scenarios: [scenario],
    port: 0,
    log: () => {},
  });
  const churnRate = process.argv[3] ? Number(process.argv[3]) : undefined;
  const churnSeconds = Number(process.argv[4] ?? 60);
  let loadedBeforeChurn: number | undefined;
  if (churnRate) {
    loadedBeforeChurn = heapAfterGc();
    sim.churn.start(churnRate);
    await new Promise(r => setTimeout(r, churnSeconds * 1000));
    sim.churn.stop();
  }
  // Stop the ticker and the server; the clusters stay in memory for the measurement.
  await sim.stop();
  const clusters = sim.clusters.map(c => sim.cluster(c.name));
  const loaded = heapAfterGc();
  const stores = clusters.map(c => c.store as any);
  const pods = stores.reduce(
    (n, s) => n + s.tables.get('pods').entries.size,
    0,
  );

  const parts: Array<{
    part: string;
    objects: number;
    retainedBytes: number;
    bytesPerPod: number;
    bytesPerObject?: number;
    jsonBytesPerObject?: number;
  }> = [];
  let last = loaded;
  const drop = (
    part: string,
    objects: number,
    action: () => void,
    json?: number,
  ) => {
    action();
    const now = heapAfterGc();
    const retained = last - now;
    last = now;
    parts.push({
      part,
      objects,
      retainedBytes: retained,
      bytesPerPod: Math.round(retained / pods),
      ...(objects
        ? {
            bytesPerObject: Math.round(retained / objects),
            jsonBytesPerObject: json,
          }
        : {}),
    });
  };

  const historyEntries = stores.reduce(
    (n, s) => n + s.history.length - s.historyStart,
    0,
  );
  drop('change history (watch window)', historyEntries, () => {
    for (const s of stores) {
      s.history.length = 0;
      s.historyAt.length = 0;
      s.historyStart = 0;
    }
  });

  // Kinds by count, largest first.
  const kinds = resourceTypes
    .map(rt => ({
      rt,
      key: typeKey(rt),
      count: stores.reduce(
        (n, s) => n + (s.tables.get(typeKey(rt))?.entries.size ?? 0),
        0,
      ),
    }))
    .filter(k => k.count > 0)
    .sort((a, b) => b.count - a.count);
  for (const kind of kinds) {
    // JSON size of a sample, to compare the heap cost with the wire size.
    const sample = stores
      .flatMap(s =>
        [...(s.tables.get(kind.key)?.entries.values() ?? [])].slice(0, 20),
      )
      .map((e: any) => JSON.stringify(e.object).length);
    const json = Math.round(sample.reduce((a, b) => a + b, 0) / sample.length);
    drop(
      kind.key,
      kind.count,
      () => {
        for (const s of stores) {
          const table = s.tables.get(kind.key);
          if (table) {
            table.entries.clear();
            table.sorted = [];
          }
        }
      },
      json,
    );
  }
  drop('owner index (dependents by owner uid)', 0, () => {
    for (const s of stores) s.dependentsByOwner.clear();
  });
  const rest = last - before;
  process.stdout.write(
    `${JSON.stringify({
      scenario,
      ...(churnRate
        ? {
            churn: `${churnRate} pod changes/s for ${churnSeconds} s after the load`,
            heapBeforeChurnBytes: loadedBeforeChurn,
          }
        : {}),
      pods,
      heapBeforeLoadBytes: before,
      heapLoadedBytes: loaded,
      heapPerPodBytes: Math.round((loaded - before) / pods),
      parts,
      restBytes: rest,
      restNote:
        'heap left once every store is empty: controller queues and timers, watch hub, shared JSON caches, scenario specs, code',
    })}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
