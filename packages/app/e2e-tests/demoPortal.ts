import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Browser, BrowserContext, expect, Page } from '@playwright/test';

export const BACKEND = 'http://localhost:7007';
export const APP = 'http://localhost:3000';

/** Where the e2e run writes the README's screenshots. */
export const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');

/** Waits for the demo backend to answer its readiness check. */
export async function waitForBackend() {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      const res = await fetch(`${BACKEND}/.backstage/health/v1/readiness`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error('the backend did not become ready');
    await new Promise(r => setTimeout(r, 1000));
  }
}

/**
 * A browser context of its own for one demo user (`?demoUser=<name>` signs in directly): each user
 * gets their own session, as two people at two browsers would.
 */
export async function contextFor(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: APP,
    viewport: { width: 1440, height: 900 },
  });
}

/**
 * Opens `path` signed in as the demo user `user`, and waits for the page to be past the sign-in
 * (the sidebar's Istio entry is on every page of the app).
 */
export async function openAs(page: Page, user: string, pagePath: string) {
  const separator = pagePath.includes('?') ? '&' : '?';
  await page.goto(`${pagePath}${separator}demoUser=${user}`);
  await expect(
    page.getByRole('link', { name: 'Istio', exact: true }).first(),
  ).toBeVisible({ timeout: 60_000 });
}

/**
 * Reloads `pagePath` until `ready` passes: the simulator's clusters reach the catalog, and their
 * inventories the backend, some seconds after the portal starts, and the pages load them once.
 */
export async function openUntil(
  page: Page,
  user: string,
  pagePath: string,
  ready: () => Promise<void>,
  timeout = 150_000,
) {
  await expect(async () => {
    await openAs(page, user, pagePath);
    await ready();
  }).toPass({ timeout, intervals: [2_000, 5_000] });
}

/**
 * Saves a screenshot of the whole page to `docs/screenshots/<name>`. Backstage pages scroll inside
 * their `<main>` (100vh high), which a full-page screenshot does not unroll, so the viewport grows
 * to the content's height for the shot (up to a limit) and is put back afterwards. Toasts are hidden.
 */
export async function screenshot(page: Page, name: string) {
  await page.evaluate(() => document.fonts.ready);
  const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
  const contentHeight = () =>
    page.evaluate(() => {
      const main = document.querySelector('main[data-backstage-core-page]');
      if (!main) return document.documentElement.scrollHeight;
      main.scrollTop = 0;
      return main.scrollHeight;
    });
  try {
    // Tables and charts lay out again for the new size: grow until the content fits.
    let height = viewport.height;
    for (let i = 0; i < 4; i++) {
      const wanted = Math.min(Math.max(height, await contentHeight()), 6_000);
      if (wanted === height && i > 0) break;
      height = wanted;
      await page.setViewportSize({ width: viewport.width, height });
    }
    await page.screenshot({
      path: path.join(SCREENSHOTS, name),
      animations: 'disabled',
      caret: 'hide',
      style:
        '.notistack-SnackbarContainer, .MuiSnackbar-root { visibility: hidden !important; }',
    });
  } finally {
    await page.setViewportSize(viewport);
  }
}

/** The mesh simulator's address, tokens and CA, as `scripts/start.sh` wrote them. */
export function simulator() {
  const state = path.resolve(__dirname, '../../../.mesh-sim');
  const info = JSON.parse(
    fs.readFileSync(path.join(state, 'mesh-sim.json'), 'utf8'),
  ) as {
    url: string;
    adminToken: string;
    caFile?: string;
    clusters: Array<{ name: string; tokens: Record<string, unknown> }>;
  };
  const ca = fs.readFileSync(info.caFile ?? path.join(state, 'ca.crt'));
  return { ...info, ca };
}

/** The traffic probe's counters of a simulated cluster (`GET /sim/v1/clusters/<name>/traffic`). */
export interface TrafficCounters {
  sent: number;
  succeeded: number;
  failed: number;
  failuresByReason: Record<string, number>;
  failuresByHop: Record<string, number>;
  flows: Array<{
    name: string;
    sent: number;
    succeeded: number;
    failed: number;
  }>;
}

function simCall(method: 'GET' | 'POST', simPath: string): Promise<unknown> {
  const sim = simulator();
  const url = new URL(simPath, sim.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: sim.ca,
        headers: { authorization: `Bearer ${sim.adminToken}` },
        timeout: 15_000,
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          body += chunk;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(
              new Error(`${method} ${simPath}: ${res.statusCode} ${body}`),
            );
            return;
          }
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${simPath}: timeout`)),
    );
    req.on('error', reject);
    req.end();
  });
}

export function resetTraffic(cluster: string) {
  return simCall(
    'POST',
    `/sim/v1/clusters/${cluster}/traffic/reset`,
  ) as Promise<TrafficCounters>;
}

export function readTraffic(cluster: string) {
  return simCall(
    'GET',
    `/sim/v1/clusters/${cluster}/traffic`,
  ) as Promise<TrafficCounters>;
}
