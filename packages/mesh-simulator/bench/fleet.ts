/*
 * Fleet benchmark: starts `mesh-sim serve --scenario fleet:50x2000` (100,000 pods) as its own
 * process, as the plugins' benchmarks do, reads its heap and RSS after load, times
 * metadata-only pod lists from this separate client process, and writes the figures to
 * bench/results.json. Run with `yarn workspace @istio-upgrade/mesh-simulator bench`
 * (FLEET=CxP overrides the size).
 */
import { spawn } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const metadataList =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

interface Served {
  url: string;
  ca: string;
  token: string;
  stop: () => Promise<void>;
  loadSeconds: number;
}

/** Starts the CLI with a scenario and waits for its ready line. */
async function serve(scenario: string): Promise<Served> {
  const stateDir = mkdtempSync(join(tmpdir(), 'mesh-sim-bench-'));
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=8192',
      resolve(__dirname, '../bin/mesh-sim'),
      'serve',
      '--scenario',
      scenario,
      '--port',
      '0',
      '--state-dir',
      stateDir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += chunk.toString();
      const m = /mesh-sim ready (\S+)/.exec(out);
      if (m) resolveUrl(m[1]);
    });
    child.on('exit', code => reject(new Error(`mesh-sim exited with ${code}`)));
  });
  const state = JSON.parse(
    readFileSync(join(stateDir, 'mesh-sim.json'), 'utf8'),
  );
  return {
    url,
    ca: readFileSync(state.caFile, 'utf8'),
    token: state.adminToken,
    loadSeconds: (Date.now() - started) / 1000,
    stop: () =>
      new Promise(done => {
        child.on('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

function get(s: Served, path: string, accept = 'application/json') {
  const started = process.hrtime.bigint();
  return new Promise<{ ms: number; bytes: number; body: any }>(
    (resolveGet, reject) => {
      https
        .get(
          `${s.url}${path}`,
          {
            ca: s.ca,
            headers: { Authorization: `Bearer ${s.token}`, Accept: accept },
          },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', c => chunks.push(c));
            res.on('end', () => {
              // Time to the last byte: parsing on the client side is not the server's time.
              const ms = Number(process.hrtime.bigint() - started) / 1e6;
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode !== 200) {
                reject(
                  new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`),
                );
                return;
              }
              resolveGet({ ms, bytes: text.length, body: JSON.parse(text) });
            });
          },
        )
        .on('error', reject);
    },
  );
}

const round = (n: number) => Math.round(n * 10) / 10;
const mb = (bytes: number) => Math.round(bytes / 1048576);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function listTimes(s: Served, path: string, runs: number) {
  const times: number[] = [];
  let items = 0;
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const r = await get(s, path, metadataList);
    times.push(r.ms);
    items = r.body.items.length;
    bytes = r.bytes;
  }
  return {
    pods: items,
    coldMs: round(times[0]),
    medianMs: round(median(times.slice(1))),
    bytes,
  };
}

async function main() {
  const fleet = process.env.FLEET ?? '50x2000';
  const [clusters, podsPerCluster] = fleet.split('x').map(Number);
  const nth = (n: number) =>
    `fleet-${String(Math.min(n, clusters)).padStart(3, '0')}`;
  const sim = await serve(`fleet:${fleet}`);
  const memory = (await get(sim, '/sim/v1/process')).body;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(
    `fleet:${fleet}: ${
      clusters * podsPerCluster
    } pods served in ${sim.loadSeconds.toFixed(1)} s; heap ${mb(
      memory.heapUsedBytes,
    )} MB, rss ${mb(memory.rssBytes)} MB`,
  );

  const oneCluster = await listTimes(sim, `/clusters/${nth(1)}/api/v1/pods`, 5);
  print(
    `metadata list, one cluster (${oneCluster.pods} pods): cold ${oneCluster.coldMs} ms, median ${oneCluster.medianMs} ms, ${oneCluster.bytes} bytes`,
  );

  const fiveStarted = process.hrtime.bigint();
  let fivePods = 0;
  for (let c = 2; c <= 6; c++)
    fivePods += (
      await get(sim, `/clusters/${nth(c)}/api/v1/pods`, metadataList)
    ).body.items.length;
  const fiveMs = Number(process.hrtime.bigint() - fiveStarted) / 1e6;
  print(
    `metadata lists of five clusters in a row (${fivePods} pods): ${round(
      fiveMs,
    )} ms`,
  );

  let pages = 0;
  let paged = 0;
  let next: string | undefined;
  const pagedStarted = process.hrtime.bigint();
  do {
    const page = await get(
      sim,
      `/clusters/${nth(7)}/api/v1/pods?limit=500${
        next ? `&continue=${encodeURIComponent(next)}` : ''
      }`,
      metadataList,
    );
    pages++;
    paged += page.body.items.length;
    next = page.body.metadata.continue;
  } while (next);
  const pagedMs = Number(process.hrtime.bigint() - pagedStarted) / 1e6;
  print(
    `paged metadata list (limit=500): ${pages} pages, ${paged} pods, ${round(
      pagedMs,
    )} ms`,
  );

  const full = await get(sim, `/clusters/${nth(8)}/api/v1/pods`);
  print(
    `full JSON list, one cluster (${full.body.items.length} pods): ${round(
      full.ms,
    )} ms, ${Math.round(full.bytes / full.body.items.length)} bytes per pod`,
  );
  const afterLists = (await get(sim, '/sim/v1/process')).body;
  await sim.stop();

  const big = await serve('fleet:1x10000');
  const tenThousand = await listTimes(
    big,
    '/clusters/fleet-001/api/v1/pods',
    5,
  );
  await big.stop();
  print(
    `single metadata list of ${tenThousand.pods} pods: cold ${tenThousand.coldMs} ms, median ${tenThousand.medianMs} ms, ${tenThousand.bytes} bytes`,
  );

  const results = {
    fleet: `fleet:${fleet}`,
    pods: clusters * podsPerCluster,
    node: process.version,
    loadSeconds: round(sim.loadSeconds),
    memoryAfterLoad: {
      heapUsedMB: mb(memory.heapUsedBytes),
      rssMB: mb(memory.rssBytes),
    },
    memoryAfterLists: {
      heapUsedMB: mb(afterLists.heapUsedBytes),
      rssMB: mb(afterLists.rssBytes),
    },
    metadataListOneCluster: oneCluster,
    metadataListsFiveClusters: { pods: fivePods, totalMs: round(fiveMs) },
    pagedMetadataList: {
      limit: 500,
      pages,
      pods: paged,
      totalMs: round(pagedMs),
    },
    fullJsonListOneCluster: {
      pods: full.body.items.length,
      ms: round(full.ms),
      bytesPerPod: Math.round(full.bytes / full.body.items.length),
    },
    singleMetadataList10000: tenThousand,
    measuredAt: new Date().toISOString(),
  };
  writeFileSync(
    resolve(__dirname, 'results.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  print(`wrote ${resolve(__dirname, 'results.json')}`);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
