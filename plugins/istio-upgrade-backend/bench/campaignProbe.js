/* eslint-disable */
/*
 * Preloaded into the backend process by `yarn bench:campaign` (`node --expose-gc -r campaignProbe.js`);
 * the engine's code is not changed. It appends JSON lines to the file named by
 * CAMPAIGN_BENCH_PROBE_FILE:
 *
 * - `{ type: 'step', id, startedAt, endedAt, ms, saved }` for every CampaignEngine.step call (one
 *   campaign's step under its lease: lease, read, CampaignStep.run, save, release), timed with
 *   `performance.now()`; `startedAt`/`endedAt` are wall-clock ms, comparable with the API's timestamps;
 * - `{ type: 'memory', at, rss, heapUsed, heapTotal, external }` every CAMPAIGN_BENCH_SAMPLE_MS (250);
 * - `{ type: 'settled', seq, at, ... }` on SIGUSR2: the same after two garbage collections.
 */
require(process.env.CAMPAIGN_BENCH_NODE_TRANSFORM ||
  '@backstage/cli/config/nodeTransform.cjs');
const { appendFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { CampaignEngine } = require('../src/campaigns/engine/CampaignEngine');

const file = process.env.CAMPAIGN_BENCH_PROBE_FILE;
if (!file) throw new Error('CAMPAIGN_BENCH_PROBE_FILE is not set');
const write = record => appendFileSync(file, `${JSON.stringify(record)}\n`);

const step = CampaignEngine.prototype.step;
CampaignEngine.prototype.step = async function timedStep(id) {
  const startedAt = Date.now();
  const t0 = performance.now();
  let saved;
  try {
    saved = await step.call(this, id);
    return saved;
  } finally {
    const ms = performance.now() - t0;
    write({ type: 'step', id, startedAt, endedAt: startedAt + ms, ms, saved });
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
