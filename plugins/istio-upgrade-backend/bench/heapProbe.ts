/*
 * Measures retained heap in a process of its own (run with --expose-gc), so that nothing else in it
 * holds memory: either the inventory engine synced to the given clusters (records, label interner and
 * computed inventories), or the same clusters' pods kept as whole objects, as a client that does not
 * project them would keep them. Heap is the V8 heap plus external memory (strings and buffers held
 * outside it). Reads BENCH_PROBE_FILE, prints one JSON line.
 */
import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { readFileSync } from 'node:fs';
import { ClusterDirectory } from '../src/clusters/ClusterDirectory';
import { readClusterConfig } from '../src/clusters/clusterConfig';
import { ClusterHttpClient } from '../src/kubernetes/ClusterHttpClient';
import { RateLimiter } from '../src/kubernetes/RateLimiter';
import { InventoryService } from '../src/inventory/InventoryService';
import { readInventorySettings } from '../src/inventory/inventoryConfig';
import { readReleaseTable } from '../src/inventory/releaseTableConfig';

interface ProbeInput {
  mode: 'inventory' | 'full-pods';
  entities: any[];
  config: any;
  clusters: Array<{ name: string; server: string; token: string }>;
  caPem: string;
}

const input = JSON.parse(
  readFileSync(process.env.BENCH_PROBE_FILE!, 'utf8'),
) as ProbeInput;

const gc = (global as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const silent: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silent,
};

/** The V8 heap plus memory held outside it by JavaScript objects (large strings, buffers). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise(r => setTimeout(r, 50));
  }
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

async function probeInventory() {
  const config = new ConfigReader(input.config);
  const clusterConfig = readClusterConfig(config);
  const catalog = {
    getEntities: async () => ({ items: input.entities }),
  } as unknown as CatalogService;
  const auth = { getOwnServiceCredentials: async () => ({}) } as any;
  const directory = new ClusterDirectory({
    catalog,
    auth,
    logger: silent,
    config: clusterConfig,
  });
  const inventory = new InventoryService({
    directory,
    logger: silent,
    // Every read allowed: the probe measures memory, not permissions.
    permissions: {
      authorize: async (requests: unknown[]) =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    } as unknown as PermissionsService,
    settings: readInventorySettings(config),
    releases: readReleaseTable(config),
    allowPrivateHosts: clusterConfig.allowedPrivateHosts,
  });
  const baseline = await settledHeap();
  const started = Date.now();
  await inventory.start();
  const names = input.clusters.map(c => c.name);
  for (;;) {
    const complete = names.every(
      n => inventory.clusterSync(n)?.syncState(Date.now(), 60_000).complete,
    );
    if (complete) break;
    await new Promise(r => setTimeout(r, 20));
  }
  const syncMs = Date.now() - started;
  // Every inventory computed and the fleet summarised, as after the first page views.
  await new Promise(r => setTimeout(r, 1000));
  const credentials = {} as BackstageCredentials;
  for (const name of names) await inventory.getInventory(name, credentials);
  await inventory.getFleet(credentials);
  const pods = names.reduce(
    (sum, n) => sum + (inventory.clusterSync(n)?.podCount ?? 0),
    0,
  );
  const after = await settledHeap();
  await inventory.stop();
  // What stays once the records and inventories are gone: code compiled and modules loaded on the
  // way, a fixed cost of the engine rather than of the pods.
  const stopped = await settledHeap();
  return {
    pods,
    syncMs,
    baselineBytes: baseline,
    heapBytes: after,
    recordsAndInventoriesBytes: after - stopped,
    fixedBytes: stopped - baseline,
  };
}

async function probeFullPods() {
  const kept = new Map<string, unknown>();
  const baseline = await settledHeap();
  for (const cluster of input.clusters) {
    const client = new ClusterHttpClient(
      {
        name: cluster.name,
        url: new URL(cluster.server),
        caPem: input.caPem,
        token: cluster.token,
        skipTlsVerify: false,
      },
      new RateLimiter(1000, 1000),
      { allowPrivateAddress: true },
    );
    let next: string | undefined;
    do {
      const page = await client.request<any>({
        path: '/api/v1/pods',
        query: { limit: 500, continue: next },
      });
      for (const pod of page.items) {
        kept.set(
          `${cluster.name}/${pod.metadata.namespace}/${pod.metadata.name}`,
          pod,
        );
      }
      next = page.metadata?.continue || undefined;
    } while (next);
    client.close();
  }
  const after = await settledHeap();
  return { pods: kept.size, baselineBytes: baseline, heapBytes: after };
}

(input.mode === 'inventory' ? probeInventory() : probeFullPods()).then(
  result => {
    process.stdout.write(
      `${JSON.stringify({ mode: input.mode, ...result })}\n`,
    );
    process.exit(0);
  },
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
