/*
 * Simulator scale benchmark: how long `mesh-sim serve` takes to build large fleets and how
 * much memory it holds (its own report in GET /sim/v1/stats), how the churn generator keeps
 * up with a target of pod changes per second (and the simulator's CPU while it does, with a
 * pod watch open on every cluster as an inventory would have), and where the memory goes by
 * object kind (bench/memoryByKind.ts). Each simulator runs as its own process, as the
 * plugins' benchmarks start it. Figures are printed and merged into
 * bench/results/simulator-scale.json.
 *
 *   yarn workspace @istio-upgrade/mesh-simulator bench:scale [--fleets 10x1000,50x2000]
 *     [--churn 1000] [--churn-fleet 50x2000] [--churn-seconds 60] [--profile] [--cpu-prof]
 *     [--max-old-space-size MB] [--only load|churn|profile|memory] [--event-ttl 30s]
 *     [--stalls 3/15]
 * (`--only memory`: memory by kind of the --fleets alone, without the churn profile;
 * `--event-ttl`: the simulator's Event TTL for the churn runs, default its own 1 h, recorded
 * under a key of its own; `--stalls S/P`: the churn run stops the simulator process for S
 * seconds every P seconds, as a full GC or a busy neighbour stalls it, also under a key of its own)
 */
import { spawn } from 'node:child_process';
import https from 'node:https';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const resultsFile = join(here, 'results', 'simulator-scale.json');

function parseArgs(argv) {
  const options = {
    fleets: ['10x1000', '50x2000'],
    churn: 1000,
    churnFleet: '50x2000',
    churnSeconds: 60,
    warmupSeconds: 20,
    profile: false,
    cpuProf: false,
    maxOldSpaceMb: 8192,
    only: undefined,
    eventTtl: undefined,
    stalls: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--fleets':
        options.fleets = value().split(',').filter(Boolean);
        break;
      case '--churn':
        options.churn = Number(value());
        break;
      case '--churn-fleet':
        options.churnFleet = value();
        break;
      case '--churn-seconds':
        options.churnSeconds = Number(value());
        break;
      case '--warmup-seconds':
        options.warmupSeconds = Number(value());
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--cpu-prof':
        options.cpuProf = true;
        break;
      case '--max-old-space-size':
        options.maxOldSpaceMb = Number(value());
        break;
      case '--only':
        options.only = value();
        break;
      case '--event-ttl':
        options.eventTtl = value();
        break;
      case '--stalls': {
        const [stallSeconds, everySeconds] = value().split('/').map(Number);
        if (!(stallSeconds > 0 && everySeconds > stallSeconds)) {
          throw new Error('--stalls takes SECONDS/EVERY_SECONDS, e.g. 3/15');
        }
        options.stalls = { stallSeconds, everySeconds };
        break;
      }
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return options;
}

const print = line => process.stdout.write(`${line}\n`);
const mb = bytes => Math.round(bytes / 1048576);
const round = n => Math.round(n * 10) / 10;
const delay = ms => new Promise(r => setTimeout(r, ms));

/** Starts `mesh-sim serve` and waits for its ready line. */
async function serve(scenario, { args = [], maxOldSpaceMb, cpuProfDir } = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'mesh-sim-scale-'));
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      `--max-old-space-size=${maxOldSpaceMb}`,
      ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
      join(packageDir, 'bin', 'mesh-sim'),
      'serve',
      '--scenario',
      scenario,
      '--port',
      '0',
      '--state-dir',
      stateDir,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', chunk => {
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
    state,
    ca: readFileSync(state.caFile, 'utf8'),
    token: state.adminToken,
    pid: child.pid,
    readyMs: Date.now() - started,
    stop: () =>
      new Promise(done => {
        child.on('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

function call(s, method, path, body, accept = 'application/json') {
  return new Promise((resolveCall, reject) => {
    const req = https.request(
      `${s.url}${path}`,
      {
        method,
        ca: s.ca,
        headers: {
          Authorization: `Bearer ${s.token}`,
          Accept: accept,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode >= 300) {
            reject(
              new Error(
                `${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`,
              ),
            );
            return;
          }
          resolveCall(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** A metadata-only pod watch on one cluster from now on, counting events by type. */
async function watchPods(s, cluster, counts) {
  const metadata =
    'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
  const list = await call(
    s,
    'GET',
    `/clusters/${cluster}/api/v1/pods?limit=1`,
    undefined,
    metadata,
  );
  let buffer = '';
  const req = https.get(
    `${s.url}/clusters/${cluster}/api/v1/pods?watch=true&resourceVersion=${list.metadata.resourceVersion}`,
    {
      ca: s.ca,
      headers: {
        Authorization: `Bearer ${s.token}`,
        Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
      },
    },
    res => {
      res.setEncoding('utf8');
      res.on('data', chunk => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          const type = /"type":"(\w+)"/.exec(line)?.[1];
          if (type) counts[type] = (counts[type] ?? 0) + 1;
          newline = buffer.indexOf('\n');
        }
      });
    },
  );
  req.on('error', () => {});
  return () => req.destroy();
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** Load time and memory of one fleet. */
async function measureLoad(fleet, options) {
  const scenario = `fleet:${fleet}`;
  const sim = await serve(scenario, { maxOldSpaceMb: options.maxOldSpaceMb });
  const stats = await call(sim, 'GET', '/sim/v1/stats?gc=true');
  await sim.stop();
  const clusterMs = stats.load.clusters.map(c => c.loadMs);
  const result = {
    scenario,
    clusters: stats.objects.clusters,
    pods: stats.objects.pods,
    objects: stats.objects.total,
    readyWallSeconds: round(sim.readyMs / 1000),
    loadTotalSeconds: round(stats.load.totalMs / 1000),
    scenarioGenerateMs: stats.load.scenarios[0].readMs,
    clusterLoadMs: {
      min: round(Math.min(...clusterMs)),
      median: round(quantile(clusterMs, 0.5)),
      p95: round(quantile(clusterMs, 0.95)),
      max: round(Math.max(...clusterMs)),
    },
    certificatesMs: stats.load.certificatesMs,
    memoryAfterLoadAndGc: {
      heapUsedMB: mb(stats.memory.heapUsedBytes),
      heapTotalMB: mb(stats.memory.heapTotalBytes),
      rssMB: mb(stats.memory.rssBytes),
      externalMB: mb(stats.memory.externalBytes),
    },
    memoryInMeshSimJson: {
      heapUsedMB: mb(sim.state.memoryAfterLoad.heapUsedBytes),
      rssMB: mb(sim.state.memoryAfterLoad.rssBytes),
    },
    heapPerPodBytes: Math.round(
      stats.memory.heapUsedBytes / stats.objects.pods,
    ),
    rssPerPodBytes: Math.round(stats.memory.rssBytes / stats.objects.pods),
    heapLimitMB: mb(stats.heapLimitBytes),
    loadCpuSeconds: round(
      (stats.cpu.userMicros + stats.cpu.systemMicros) / 1e6,
    ),
  };
  print(
    `${scenario}: ${result.pods} pods (${result.objects} objects) ready in ${result.readyWallSeconds} s ` +
      `(build ${result.loadTotalSeconds} s, cluster median ${result.clusterLoadMs.median} ms, max ${result.clusterLoadMs.max} ms); ` +
      `heap ${result.memoryAfterLoadAndGc.heapUsedMB} MB, rss ${result.memoryAfterLoadAndGc.rssMB} MB ` +
      `(${result.heapPerPodBytes} heap bytes per pod)`,
  );
  return result;
}

/** Top functions by self time of a .cpuprofile. */
function summariseCpuProfile(file, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const interval =
    (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const byFunction = new Map();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += node.hitCount;
      continue;
    }
    const where = url
      ? `${url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${
          lineNumber + 1
        }`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount);
    total += node.hitCount;
  }
  return {
    busySeconds: round((total * interval) / 1e6),
    idleSeconds: round((idle * interval) / 1e6),
    percentOf: 'busy samples (idle excluded)',
    topSelfTime: [...byFunction.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, hits]) => ({
        function: fn,
        percent: round((hits / total) * 100),
      })),
  };
}

/** The churn generator at a target on one fleet, with a pod watch on every cluster. */
async function measureChurn(options) {
  const scenario = `fleet:${options.churnFleet}`;
  const cpuProfDir = options.cpuProf
    ? mkdtempSync(join(tmpdir(), 'mesh-sim-cpuprof-'))
    : undefined;
  const sim = await serve(scenario, {
    maxOldSpaceMb: options.maxOldSpaceMb,
    cpuProfDir,
    args: options.eventTtl ? ['--event-ttl', options.eventTtl] : [],
  });
  const clusters = (await call(sim, 'GET', '/sim/v1/clusters')).clusters.map(
    c => c.name,
  );
  const events = {};
  const closers = [];
  for (const cluster of clusters)
    closers.push(await watchPods(sim, cluster, events));
  const loaded = await call(sim, 'GET', '/sim/v1/stats?gc=true');
  await call(sim, 'POST', '/sim/v1/churn', {
    podChangesPerSecond: options.churn,
  });
  // Stalls of the simulator's event loop, as a full GC of a large heap or a busy neighbour
  // makes them: the process is stopped (SIGSTOP) for a while at a fixed period.
  let stalling;
  const stalled = [];
  if (options.stalls) {
    const { stallSeconds, everySeconds } = options.stalls;
    stalling = setInterval(() => {
      process.kill(sim.pid, 'SIGSTOP');
      stalled.push(stallSeconds);
      setTimeout(() => process.kill(sim.pid, 'SIGCONT'), stallSeconds * 1000);
    }, everySeconds * 1000);
  }
  print(
    `${scenario}: churn at ${options.churn} pod changes/s, ${clusters.length} pod watches open; warming up ${options.warmupSeconds} s`,
  );
  await delay(options.warmupSeconds * 1000);
  const first = await call(sim, 'GET', '/sim/v1/stats');
  const eventsAtFirst = { ...events };
  const firstAt = Date.now();
  const samples = [];
  const backlogSamples = [];
  const heapSamples = [];
  const rssSamples = [];
  while (Date.now() - firstAt < options.churnSeconds * 1000) {
    await delay(10000);
    const s = await call(sim, 'GET', '/sim/v1/stats');
    samples.push(s.churn.achievedPodChangesPerSecond);
    backlogSamples.push(s.churn.backlogPodChanges);
    heapSamples.push(s.memory.heapUsedBytes);
    rssSamples.push(s.memory.rssBytes);
    print(
      `  achieved ${s.churn.achievedPodChangesPerSecond}/s over ${s.churn.windowSeconds} s, restarts ${s.churn.restartsIssued}, ` +
        `skipped busy ${s.churn.skippedBusy}, backlog ${
          s.churn.backlogPodChanges ?? '-'
        }, heap ${mb(s.memory.heapUsedBytes)} MB, rss ${mb(
          s.memory.rssBytes,
        )} MB`,
    );
  }
  clearInterval(stalling);
  const last = await call(sim, 'GET', '/sim/v1/stats');
  const seconds = (Date.now() - firstAt) / 1000;
  const cpuSeconds =
    (last.cpu.userMicros +
      last.cpu.systemMicros -
      first.cpu.userMicros -
      first.cpu.systemMicros) /
    1e6;
  const changes =
    last.churn.podChangesObserved - first.churn.podChangesObserved;
  const delivered = Object.fromEntries(
    Object.entries(events).map(([type, n]) => [
      type,
      n - (eventsAtFirst[type] ?? 0),
    ]),
  );
  const stopped = await call(sim, 'DELETE', '/sim/v1/churn');
  for (const close of closers) close();
  await sim.stop();
  const result = {
    scenario,
    ...(options.eventTtl ? { eventTtl: options.eventTtl } : {}),
    targetPodChangesPerSecond: options.churn,
    ...(options.stalls
      ? {
          stalls: `${options.stalls.stallSeconds} s stopped every ${options.stalls.everySeconds} s (${stalled.length} stalls in warm-up and measurement)`,
        }
      : {}),
    warmupSeconds: options.warmupSeconds,
    measuredSeconds: round(seconds),
    achievedPodChangesPerSecond: round(changes / seconds),
    achievedInWindowSamples: samples,
    backlogPodChangesSamples: backlogSamples,
    restartsIssued: stopped.restartsIssued,
    expectedPodChanges: stopped.expectedPodChanges,
    podChangesObserved: stopped.podChangesObserved,
    skippedBusy: stopped.skippedBusy,
    workloads: stopped.workloads,
    simulatorCpuPercentOfOneCore: round((cpuSeconds / seconds) * 100),
    watchEventsPerSecondDelivered: Object.fromEntries(
      Object.entries(delivered).map(([type, n]) => [type, round(n / seconds)]),
    ),
    readyWallSeconds: round(sim.readyMs / 1000),
    loadTotalSeconds: round(loaded.load.totalMs / 1000),
    heapBeforeChurnMB: mb(loaded.memory.heapUsedBytes),
    rssBeforeChurnMB: mb(loaded.memory.rssBytes),
    historyChanges: {
      beforeChurn: loaded.historyChanges,
      atEnd: last.historyChanges,
    },
    heapDuringChurnMB: {
      min: mb(Math.min(...heapSamples)),
      max: mb(Math.max(...heapSamples)),
    },
    rssDuringChurnMB: {
      min: mb(Math.min(...rssSamples)),
      max: mb(Math.max(...rssSamples)),
    },
    rssAtEndMB: mb(last.memory.rssBytes),
  };
  print(
    `${scenario}: achieved ${result.achievedPodChangesPerSecond} pod changes/s over ${result.measuredSeconds} s ` +
      `(target ${options.churn}); simulator CPU ${result.simulatorCpuPercentOfOneCore}% of a core; ` +
      `watch events/s ${JSON.stringify(result.watchEventsPerSecondDelivered)}`,
  );
  if (cpuProfDir) {
    await delay(2000);
    const file = readdirSync(cpuProfDir).find(f => f.endsWith('.cpuprofile'));
    if (file) {
      result.cpuProfile = {
        note: 'whole process: load, then churn',
        ...summariseCpuProfile(join(cpuProfDir, file)),
      };
      print(
        `  cpu profile top: ${result.cpuProfile.topSelfTime
          .slice(0, 8)
          .map(f => `${f.function} ${f.percent}%`)
          .join('; ')}`,
      );
    }
  }
  return result;
}

/** Runs a TypeScript bench script in its own process; its last stdout line is JSON. */
async function runScript(script, args, options) {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      `--max-old-space-size=${options.maxOldSpaceMb}`,
      '-r',
      '@backstage/cli/config/nodeTransform.cjs',
      join(here, script),
      ...args,
    ],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', c => (out += c));
  await new Promise((done, reject) =>
    child.on('exit', code =>
      code === 0 ? done() : reject(new Error(`${script} exited ${code}`)),
    ),
  );
  return JSON.parse(out.trim().split('\n').at(-1));
}

/** CPU by function and growth by kind under churn (bench/churnProfile.ts in its own process). */
async function profileChurn(options) {
  const result = await runScript(
    'churnProfile.ts',
    [
      `fleet:${options.churnFleet}`,
      String(options.churn),
      String(options.churnSeconds),
      ...(options.eventTtl ? [options.eventTtl] : []),
    ],
    options,
  );
  print(
    `churn profile, ${result.scenario} at ${result.targetPodChangesPerSecond}/s for ${result.seconds} s (no watches): ` +
      `achieved ${result.churn.achievedPodChangesPerSecond}/s, CPU ${result.cpuPercentOfOneCore}% of a core; ` +
      `grew ${JSON.stringify(result.objectsGrew)}, history ${
        result.historyEntries.before
      } → ${result.historyEntries.after} entries, ` +
      `heap ${result.heapUsedMB.before} → ${result.heapUsedMB.after} MB`,
  );
  print(
    `  top self time: ${result.topSelfTime
      .slice(0, 8)
      .map(f => `${f.function} ${f.percentOfBusy}%`)
      .join('; ')}`,
  );
  return result;
}

/** Memory by object kind (bench/memoryByKind.ts in its own process). */
async function profileMemory(fleet, options) {
  const result = await runScript(
    'memoryByKind.ts',
    [`fleet:${fleet}`],
    options,
  );
  print(
    `memory by kind, fleet:${fleet} (${result.heapPerPodBytes} heap bytes per pod):`,
  );
  for (const p of result.parts.filter(x => x.bytesPerPod >= 20)) {
    print(
      `  ${p.part}: ${p.bytesPerPod} B/pod (${p.objects} objects, ${mb(
        p.retainedBytes,
      )} MB${p.bytesPerObject ? `, ${p.bytesPerObject} B each` : ''}${
        p.jsonBytesPerObject ? `, JSON ${p.jsonBytesPerObject} B` : ''
      })`,
    );
  }
  return result;
}

/**
 * Runs one measurement and adds the machine's load averages (1, 5 and 15 min) at its start and
 * end: other benchmarks may share the machine, and the figures are read next to them.
 */
async function underLoad(measure) {
  const atStart = loadavg().map(round);
  const result = await measure();
  return { ...result, loadAverage: { atStart, atEnd: loadavg().map(round) } };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const results = existsSync(resultsFile)
    ? JSON.parse(readFileSync(resultsFile, 'utf8'))
    : {};
  results.machine = {
    node: process.version,
    cpus: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
  };
  results.command =
    `yarn workspace @istio-upgrade/mesh-simulator bench:scale ${process.argv
      .slice(2)
      .join(' ')}`.trim();
  const save = () => {
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  };
  if (!options.only || options.only === 'load') {
    results.load ??= {};
    for (const fleet of options.fleets) {
      results.load[`fleet:${fleet}`] = {
        measuredAt: new Date().toISOString(),
        maxOldSpaceSizeMB: options.maxOldSpaceMb,
        ...(await underLoad(() => measureLoad(fleet, options))),
      };
      save();
    }
  }
  const churnKey = `fleet:${options.churnFleet}@${options.churn}${
    options.eventTtl ? ` event-ttl ${options.eventTtl}` : ''
  }${
    options.stalls
      ? ` stalls ${options.stalls.stallSeconds}/${options.stalls.everySeconds}`
      : ''
  }`;
  if (!options.only || options.only === 'churn') {
    results.churn ??= {};
    results.churn[churnKey] = {
      measuredAt: new Date().toISOString(),
      ...(await underLoad(() => measureChurn(options))),
    };
    save();
  }
  if (options.profile || options.only === 'profile') {
    results.churnProfile ??= {};
    results.churnProfile[churnKey] = {
      measuredAt: new Date().toISOString(),
      ...(await underLoad(() => profileChurn(options))),
    };
    save();
  }
  if (
    options.profile ||
    options.only === 'profile' ||
    options.only === 'memory'
  ) {
    results.memoryByKind ??= {};
    for (const fleet of options.fleets) {
      results.memoryByKind[`fleet:${fleet}`] = await profileMemory(
        fleet,
        options,
      );
      save();
    }
  }
  print(`written ${resultsFile}`);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
