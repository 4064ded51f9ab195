import fs from 'node:fs';
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
    const fleet = performance
      .getEntriesByType('resource')
      .find(e => /\/api\/istio-upgrade\/fleet(\?|$)/.test(e.name)) as
      | PerformanceResourceTiming
      | undefined;
    const fleetEnd = fleet?.responseEnd ?? NaN;
    return {
      rowsInDomMs: Math.round(bench.rowsInDom),
      rowsPaintedMs: Math.round(bench.rowsPainted),
      fleetResponseEndMs: Math.round(fleetEnd),
      renderMs: Math.round(bench.rowsPainted - fleetEnd),
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

test(`the fleet page paints ${CLUSTERS} clusters within ${BUDGET_MS} ms`, async ({
  page,
  request,
  baseURL,
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

  await recordRows(page);
  // The first visit of a fresh browser: signs in, downloads the bundle and the page's chunk.
  const first = await measure(page, '/istio-upgrade?demoUser=alice');
  // Later visits: a full page load each, signed in again from the tab's session, bundle cached.
  const warm: Run[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    warm.push(await measure(page, '/istio-upgrade'));
  }
  const result = {
    measuredAt: new Date().toISOString(),
    clusters: CLUSTERS,
    build: 'production (packages/app/dist served by the backend app plugin)',
    browser: `Chromium ${page.context().browser()?.version() ?? '?'}`,
    viewport: page.viewportSize(),
    budgetMs: BUDGET_MS,
    firstVisit: first,
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
      `  navigation start -> rows painted: first visit ${
        first.rowsPaintedMs
      } ms, later visits median ${result.medianRowsPaintedMs} ms (${warm
        .map(r => r.rowsPaintedMs)
        .join(', ')})`,
      `  GET /fleet response end -> rows painted: first visit ${first.renderMs} ms, later visits median ${result.medianRenderMs} ms`,
      `  target ${BUDGET_MS} ms (later visits median): ${
        result.medianRowsPaintedMs <= BUDGET_MS ? 'met' : 'missed'
      }; first visit: ${first.rowsPaintedMs <= BUDGET_MS ? 'met' : 'missed'}`,
      `  written to ${path.relative(process.cwd(), file)}`,
    ].join('\n'),
  );
  // A benchmark reports its figures; it fails on them only when asked (a noisy machine is no verdict).
  if (process.env.FLEET_BENCH_ENFORCE === '1') {
    expect(result.medianRowsPaintedMs).toBeLessThanOrEqual(BUDGET_MS);
  }
});
