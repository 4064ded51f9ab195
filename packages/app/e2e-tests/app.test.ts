import { expect, Page, test } from '@playwright/test';
import { simulator, waitForBackend } from './demoPortal';

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
  // The backend is ready before the catalog has read the example entities (the "All" filter is
  // disabled while it counts none): reload the list of all components until they are in.
  await expect(async () => {
    await page.goto(
      '/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=all',
    );
    await expect(
      page.getByRole('link', { name: 'productpage', exact: true }),
    ).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 150_000, intervals: [2_000, 5_000] });
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

test('the clusters API answers 401 without a token and lists the clusters for a guest', async ({
  request,
}) => {
  const anonymous = await request.get(
    'http://localhost:7007/api/istio-upgrade/clusters',
  );
  expect(anonymous.status()).toBe(401);

  const session = await request.post(
    'http://localhost:7007/api/auth/guest/refresh',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(session.ok()).toBe(true);
  const token = (await session.json()).backstageIdentity.token;
  const listed = await request.get(
    'http://localhost:7007/api/istio-upgrade/clusters',
    { headers: { Authorization: `Bearer ${token}` } },
  );
  expect(listed.status()).toBe(200);
  const names = (await listed.json()).items.map(
    (c: { name: string }) => c.name,
  );
  expect(names).toEqual(
    expect.arrayContaining(['seed', 'prod-eu', 'prod-us', 'staging']),
  );
  // Cluster credentials never reach a browser.
  const sim = simulator();
  const secrets = [
    sim.adminToken,
    ...sim.clusters.flatMap(c =>
      Object.values(c.tokens).filter((t): t is string => typeof t === 'string'),
    ),
  ];
  const text = await listed.text();
  expect(text).not.toMatch(/BEGIN CERTIFICATE/);
  for (const secret of secrets) expect(text).not.toContain(secret);
});
