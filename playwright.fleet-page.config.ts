import { defineConfig } from '@playwright/test';

/*
 * `yarn bench:fleet-page`: the fleet page's first render with 200 clusters, in Debian's Chromium on
 * the production build of the app. The portal (plugins/istio-upgrade/bench/fleetPagePortal.mjs) runs apart from the demo
 * portal: simulator on :6543, backend serving packages/app/dist on :7107.
 */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = process.env.FLEET_BENCH_PORT ?? '7107';

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  testMatch: 'fleetScale.bench.ts',
  timeout: 600_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  outputDir: 'node_modules/.cache/fleet-page-bench-results',
  webServer: {
    command: 'node plugins/istio-upgrade/bench/fleetPagePortal.mjs',
    url: `http://localhost:${port}/.backstage/health/v1/readiness`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  use: {
    baseURL: `http://localhost:${port}`,
    viewport: { width: 1440, height: 900 },
    trace: 'off',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
