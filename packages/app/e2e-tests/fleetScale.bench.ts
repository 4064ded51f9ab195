import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';

/*
 * The fleet page at fleet scale (run by `yarn bench:fleet-page`, not by the e2e run): from navigation
 * start to the clusters table's rows painted, with the simulator's 200 generated clusters, on the
 * production build. Prints the figures and writes them to plugins/istio-upgrade/bench/results/.
 */

const CLUSTERS = Number(process.env.FLEET_BENCH_CLUSTERS ?? 200);
const BUDGET_MS = Number(process.env.FLEET_BENCH_BUDGET_MS ?? 1000);
const WARM_RUNS = 7;
/** First visits, each in a fresh browser context (empty cache, no session): one is too noisy a sample. */
const FIRST_RUNS = 3;
const ROWS = 'tr[data-testid^="fleet-cluster-"]';
// scripts/test.sh writes elsewhere, so that a test run leaves the checked-in figures alone.
const RESULTS =
  process.env.FLEET_BENCH_RESULTS ??
  path.resolve(__dirname, '../../../plugins/istio-upgrade/bench/results');

interface Run {
  /** Navigation start to every cluster row in the DOM. */
  rowsInDomMs: number;
  /** Navigation start to the frame after that painted. */
  rowsPaintedMs: number;
  /** Navigation start to the end of the `GET /fleet` response. */
  fleetResponseEndMs: number;
  /** The response's end to the rows painted: the page's own rendering. */
  renderMs: number;
  /** Navigation start to the app's scripts run (DOMContentLoaded ended): the bundle, before any plugin. */
  scriptsRunMs: number;
  /** Navigation start to the end of the sign-in (`/api/auth/<provider>/refresh`). */
  signedInMs: number;
  /** Navigation start to the page asking for `GET /fleet`. */
  fleetRequestStartMs: number;
  /** From sending `GET /fleet` to its first byte: the backend's time and the wait for a connection. */
  fleetServerMs: number;
}

/**
 * Waits until the backend answers its liveness check quickly five times in a row (or a minute has
 * passed): the first visit measures the page on a running portal, not on a backend still busy with
 * its start (syncing 200 clusters, the catalog's first processing). Returns how long it waited.
 */
async function waitForIdleBackend(
  get: (url: string) => Promise<unknown>,
  baseURL: string,
): Promise<number> {
  const start = Date.now();
  let quick = 0;
  while (quick < 5 && Date.now() - start < 60_000) {
    const sent = Date.now();
    await get(`${baseURL}/.backstage/health/v1/liveness`);
    quick = Date.now() - sent <= 50 ? quick + 1 : 0;
    await new Promise(r => setTimeout(r, 200));
  }
  return Date.now() - start;
}

/** Records, from the page's own clock (0 = navigation start), when the rows reach the DOM and paint. */
async function recordRows(page: Page) {
  await page.addInitScript(
    ({ selector, expected }) => {
      const bench: Record<string, number> = {};
      (window as unknown as { fleetBench: typeof bench }).fleetBench = bench;
      const observer = new MutationObserver(() => {
        if (document.querySelectorAll(selector).length < expected) return;
        observer.disconnect();
        bench.rowsInDom = performance.now();
        requestAnimationFrame(() =>
          setTimeout(() => {
            bench.rowsPainted = performance.now();
          }, 0),
        );
      });
      // The document has no element yet when init scripts run: observe the document itself.
      observer.observe(document, {
        childList: true,
        subtree: true,
      });
    },
    { selector: ROWS, expected: CLUSTERS },
  );
}

async function measure(page: Page, url: string): Promise<Run> {
  await page.goto(url);
  await expect(page.locator(ROWS)).toHaveCount(CLUSTERS, { timeout: 60_000 });
  await expect(page.locator(ROWS).first()).toBeVisible();
  await page.waitForFunction(
    () =>
      (window as unknown as { fleetBench: { rowsPainted?: number } }).fleetBench
        .rowsPainted !== undefined,
    undefined,
    { timeout: 30_000 },
  );
  return page.evaluate(() => {
    const bench = (
      window as unknown as {
        fleetBench: { rowsInDom: number; rowsPainted: number };
      }
    ).fleetBench;
    const resources = performance.getEntriesByType(
      'resource',
    ) as PerformanceResourceTiming[];
    const fleet = resources.find(e =>
      /\/api\/istio-upgrade\/fleet(\?|$)/.test(e.name),
    );
    const signIn = resources.find(e =>
      /\/api\/auth\/[^/]+\/refresh/.test(e.name),
    );
    const fleetEnd = fleet?.responseEnd ?? NaN;
    const navigation = performance.getEntriesByType('navigation')[0] as
      | PerformanceNavigationTiming
      | undefined;
    return {
      rowsInDomMs: Math.round(bench.rowsInDom),
      rowsPaintedMs: Math.round(bench.rowsPainted),
      fleetResponseEndMs: Math.round(fleetEnd),
      renderMs: Math.round(bench.rowsPainted - fleetEnd),
      scriptsRunMs: Math.round(navigation?.domContentLoadedEventEnd ?? NaN),
      signedInMs: Math.round(signIn?.responseEnd ?? NaN),
      fleetRequestStartMs: Math.round(fleet?.startTime ?? NaN),
      fleetServerMs: Math.round(
        (fleet?.responseStart ?? NaN) - (fleet?.startTime ?? NaN),
      ),
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

test(`the fleet page paints ${CLUSTERS} clusters within ${BUDGET_MS} ms`, async ({
  browser,
  page,
  request,
  baseURL,
  viewport,
}) => {
  await test.step('the backend has every cluster synced', async () => {
    const session = await request.post(`${baseURL}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(session.ok()).toBe(true);
    const token = (await session.json()).backstageIdentity.token;
    await expect
      .poll(
        async () => {
          const res = await request.get(`${baseURL}/api/istio-upgrade/fleet`, {
            headers: { Authorization: `Bearer ${token}` },
          });
          if (!res.ok()) return -1;
          const fleet = (await res.json()) as {
            clusters: Array<{
              cluster: { sync: { state: string; complete: boolean } };
            }>;
          };
          return fleet.clusters.filter(
            c => c.cluster.sync.state === 'synced' && c.cluster.sync.complete,
          ).length;
        },
        { timeout: 420_000, intervals: [2_000] },
      )
      .toBe(CLUSTERS);
  });

  const settledAfterMs = await test.step('the backend is idle', () =>
    waitForIdleBackend(url => request.get(url), baseURL!));
  const loadBefore = os.loadavg();
  // First visits of fresh browser contexts: each signs in, downloads the bundle and the page's chunks.
  const firsts: Run[] = [];
  for (let i = 0; i < FIRST_RUNS; i++) {
    const context = await browser.newContext({ baseURL, viewport });
    const fresh = await context.newPage();
    await recordRows(fresh);
    firsts.push(await measure(fresh, '/istio-upgrade?demoUser=alice'));
    await context.close();
  }
  const firstMedian = median(firsts.map(r => r.rowsPaintedMs));
  const first = firsts.find(r => r.rowsPaintedMs === firstMedian)!;
  await recordRows(page);
  await measure(page, '/istio-upgrade?demoUser=alice');
  // Later visits: a full page load each, signed in again from the tab's session, bundle cached.
  const warm: Run[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    warm.push(await measure(page, '/istio-upgrade'));
  }
  const loadAfter = os.loadavg();
  const result = {
    measuredAt: new Date().toISOString(),
    // The machine's 1, 5 and 15 minute load averages, and its processors: a shared machine's noise.
    loadAverage: {
      before: loadBefore.map(l => Number(l.toFixed(2))),
      after: loadAfter.map(l => Number(l.toFixed(2))),
      cpus: os.cpus().length,
    },
    backendIdleAfterMs: settledAfterMs,
    clusters: CLUSTERS,
    build: 'production (packages/app/dist served by the backend app plugin)',
    browser: `Chromium ${page.context().browser()?.version() ?? '?'}`,
    viewport: page.viewportSize(),
    budgetMs: BUDGET_MS,
    // The first visit of median rows painted, and every first visit.
    firstVisit: first,
    firstVisits: firsts,
    warmVisits: warm,
    medianRowsPaintedMs: median(warm.map(r => r.rowsPaintedMs)),
    medianRenderMs: median(warm.map(r => r.renderMs)),
  };
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `fleet-page-${CLUSTERS}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  // eslint-disable-next-line no-console
  console.log(
    [
      `fleet page, ${CLUSTERS} clusters, production build, Chromium:`,
      `  navigation start -> rows painted: first visits median ${
        first.rowsPaintedMs
      } ms (${firsts
        .map(r => r.rowsPaintedMs)
        .join(', ')}), later visits median ${
        result.medianRowsPaintedMs
      } ms (${warm.map(r => r.rowsPaintedMs).join(', ')})`,
      `  GET /fleet response end -> rows painted: first visit ${first.renderMs} ms, later visits median ${result.medianRenderMs} ms`,
      `  GET /fleet asked at: first visit ${
        first.fleetRequestStartMs
      } ms (scripts run at ${first.scriptsRunMs} ms, signed in at ${
        first.signedInMs
      } ms), later visits median ${median(
        warm.map(r => r.fleetRequestStartMs),
      )} ms; its first byte after ${
        first.fleetServerMs
      } ms, later median ${median(warm.map(r => r.fleetServerMs))} ms`,
      `  load average ${loadBefore
        .map(l => l.toFixed(2))
        .join(' ')} before, ${loadAfter
        .map(l => l.toFixed(2))
        .join(' ')} after (${os.cpus().length} CPUs)`,
      `  target ${BUDGET_MS} ms (later visits median): ${
        result.medianRowsPaintedMs <= BUDGET_MS ? 'met' : 'missed'
      }; first visits median: ${
        first.rowsPaintedMs <= BUDGET_MS ? 'met' : 'missed'
      }`,
      `  written to ${path.relative(process.cwd(), file)}`,
    ].join('\n'),
  );
  // A benchmark reports its figures; it fails on them only when asked (a noisy machine is no verdict).
  if (process.env.FLEET_BENCH_ENFORCE === '1') {
    expect(result.medianRowsPaintedMs).toBeLessThanOrEqual(BUDGET_MS);
  }
});
