import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { ACCEPT_METADATA_LIST, ClusterHttpClient } from './ClusterHttpClient';
import { RateLimiter } from './RateLimiter';

jest.setTimeout(120_000);

setFlagsFromString('--expose-gc');
const gc: () => void = runInNewContext('gc');

/** The V8 heap plus what JavaScript holds outside it (large strings, buffers), after collection. */
async function retainedBytes() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise(r => setTimeout(r, 50));
  }
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

describe('ClusterHttpClient', () => {
  let simulator: MeshSimulatorProcess;

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['fleet:1x2000'] });
  });

  afterAll(async () => {
    await simulator?.stop();
  });

  it('keeps no list body alive once it is read, even when its TLS connection goes on to carry a watch', async () => {
    const [cluster] = simulator.clusters;
    const client = new ClusterHttpClient(
      {
        name: cluster.name,
        url: new URL(cluster.server),
        caPem: simulator.caPem,
        token: cluster.tokens.readOnly,
        skipTlsVerify: false,
      },
      new RateLimiter(100, 100),
      { allowPrivateAddress: true },
    );
    const podsListed = async () => {
      const list = await client.request<any>({
        path: '/api/v1/pods',
        accept: ACCEPT_METADATA_LIST,
        query: { limit: 500 },
      });
      return {
        count: list.items.length,
        resourceVersion: list.metadata.resourceVersion as string,
      };
    };
    const watches = new AbortController();
    const watchFailures: unknown[] = [];
    const before = await retainedBytes();
    for (let i = 0; i < 4; i++) {
      const listed = await podsListed();
      expect(listed.count).toBe(500);
      // As a ResourceWatcher does: list, then watch from the list's resourceVersion on the keep-alive
      // connection the list used (without one, the watch would start by streaming every pod).
      client
        .watch(
          {
            path: '/api/v1/pods',
            query: {
              watch: 1,
              allowWatchBookmarks: false,
              resourceVersion: listed.resourceVersion,
            },
            signal: watches.signal,
          },
          () => {},
        )
        // The watches end when the test aborts them; any other end is a failure.
        .catch(error => {
          if (!watches.signal.aborted) watchFailures.push(error);
        });
    }
    await new Promise(r => setTimeout(r, 500));
    const after = await retainedBytes();
    watches.abort();
    client.close();
    // Each page is about 2 MB of JSON: four of them would be kept if any outlived its call.
    expect(after - before).toBeLessThan(3 * 1024 * 1024);
    expect(watchFailures).toEqual([]);
  });
});
