/* eslint-disable */
/*
 * Preloaded into the backend process by `yarn bench:campaign` (`node --expose-gc -r campaignProbe.js`);
 * the engine's code is not changed. It appends JSON lines to the file named by
 * CAMPAIGN_BENCH_PROBE_FILE:
 *
 * - `{ type: 'step', id, startedAt, endedAt, ms, saved, calls }` for every CampaignEngine.step call
 *   (one campaign's step under its lease: lease, read, CampaignStep.run, save, release), timed with
 *   `performance.now()`; `startedAt`/`endedAt` are wall-clock ms, comparable with the API's
 *   timestamps. `calls` breaks the step down: for each method of the engine's campaign store
 *   (`store.markNotified`…) and of its world (`world.createRequest`, `world.notify`…) called within
 *   the step (an AsyncLocalStorage tells the step's calls from the API's), its calls and the time
 *   until each settled;
 * - `{ type: 'memory', at, rss, heapUsed, heapTotal, external }` every CAMPAIGN_BENCH_SAMPLE_MS (250);
 * - `{ type: 'settled', seq, at, ... }` on SIGUSR2: the same after two garbage collections.
 */
require(process.env.CAMPAIGN_BENCH_NODE_TRANSFORM ||
  '@backstage/cli/config/nodeTransform.cjs');
const { AsyncLocalStorage } = require('node:async_hooks');
const { appendFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { CampaignEngine } = require('../src/campaigns/engine/CampaignEngine');

const file = process.env.CAMPAIGN_BENCH_PROBE_FILE;
if (!file) throw new Error('CAMPAIGN_BENCH_PROBE_FILE is not set');
const write = record => appendFileSync(file, `${JSON.stringify(record)}\n`);

/** The calls of the step in progress, by method: `{ calls, ms }`. */
const inStep = new AsyncLocalStorage();
/** Set within a timed call. */
const inCall = new AsyncLocalStorage();

/**
 * Replaces the methods of `target` with ones that time the calls made in a step: those of its class
 * (the store: not its own fields, such as its knex instance), or its own functions (the world).
 */
function timeMethods(target, prefix, own) {
  const names = Object.getOwnPropertyNames(
    own ? target : Object.getPrototypeOf(target),
  );
  for (const name of names) {
    const fn = target[name];
    if (name === 'constructor' || typeof fn !== 'function') continue;
    target[name] = function timed(...args) {
      const calls = inStep.getStore();
      // Outside a step, or within a timed call (the store's own helpers): not counted again.
      if (!calls || inCall.getStore()) return fn.apply(this, args);
      const t0 = performance.now();
      const done = () => {
        const entry = (calls[`${prefix}.${name}`] ??= { calls: 0, ms: 0 });
        entry.calls += 1;
        entry.ms += performance.now() - t0;
      };
      const result = inCall.run(true, () => fn.apply(this, args));
      // Only promises are awaited for: a query builder is thenable, and must stay a builder.
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    };
  }
}

const step = CampaignEngine.prototype.step;
CampaignEngine.prototype.step = async function timedStep(id) {
  if (!this.campaignBenchTimed) {
    this.campaignBenchTimed = true;
    timeMethods(this.options.store, 'store', false);
    timeMethods(this.options.world, 'world', true);
  }
  const calls = {};
  const startedAt = Date.now();
  const t0 = performance.now();
  let saved;
  try {
    saved = await inStep.run(calls, () => step.call(this, id));
    return saved;
  } finally {
    const ms = performance.now() - t0;
    for (const entry of Object.values(calls)) entry.ms = Math.round(entry.ms);
    write({
      type: 'step',
      id,
      startedAt,
      endedAt: startedAt + ms,
      ms,
      saved,
      calls,
    });
  }
};

const memory = () => {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { at: Date.now(), rss, heapUsed, heapTotal, external };
};
setInterval(
  () => write({ type: 'memory', ...memory() }),
  Number(process.env.CAMPAIGN_BENCH_SAMPLE_MS || 250),
).unref();

let seq = 0;
process.on('SIGUSR2', () => {
  if (global.gc) {
    global.gc();
    global.gc();
  }
  seq += 1;
  write({ type: 'settled', seq, ...memory() });
});
