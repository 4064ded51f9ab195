import { expect, Page, test } from '@playwright/test';

const BACKEND = 'http://localhost:7007';

async function waitForBackend() {
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

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(page.getByText('Istio Upgrade Demo Catalog')).toBeVisible();
}

test.beforeAll(waitForBackend);

test('the catalog shows the example entities', async ({ page }) => {
  await signInAsGuest(page);
  await page.getByText('All', { exact: true }).click();
  for (const name of ['productpage', 'details', 'reviews', 'ratings']) {
    await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
  }
});

test("a cluster entity's Istio tab shows the cluster connected", async ({
  page,
}) => {
  await signInAsGuest(page);
  // The simulator's clusters reach the catalog a few seconds after the backend starts.
  await expect(async () => {
    await page.goto('/catalog/default/resource/seed/istio');
    await expect(page.getByText('Istio on Lab cluster')).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 120_000 });
  await expect(page.getByText('Connected')).toBeVisible();
  await page.screenshot({
    path: 'docs/screenshots/cluster-istio-tab.png',
    fullPage: true,
  });
});

test('the fleet page lists every cluster', async ({ page }) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Istio' }).first().click();
  await expect(
    page.getByRole('heading', { name: 'Istio fleet' }),
  ).toBeVisible();
  for (const cluster of [
    'Lab cluster',
    'Production EU',
    'Production US',
    'Staging',
  ]) {
    await expect(
      page.getByText(cluster, { exact: false }).first(),
    ).toBeVisible();
  }
});
