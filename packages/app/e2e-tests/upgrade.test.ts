import { expect, Page, Response, test } from '@playwright/test';
import {
  contextFor,
  openAs,
  openUntil,
  readTraffic,
  resetTraffic,
  screenshot,
  waitForBackend,
} from './demoPortal';

/*
 * The upgrade of the `seed` cluster (Istio 1.9.7 → 1.10.4) through the portal, as its users do it:
 * (a) the service team migrates productpage's namespace, (b) the platform team cuts the ingress
 * gateway over with another platform user's approval, and the traffic probe in the simulator
 * proves that no request through the gateway and bookinfo failed meanwhile; (c) a user who does
 * not own productpage is refused the migration, with the reason.
 *
 * Every scenario sets up what it needs on a freshly started demo (scripts/start.sh starts a new
 * simulator each run); (c) only looks, so it runs first and passes whatever (a) did.
 */

const SERVICE_TAB = '/catalog/default/component/productpage/istio';
const CLUSTER_TAB = '/catalog/default/resource/seed/istio';
const FLEET_PAGE = '/istio-upgrade';

/** Waits for the POST that creates a request (not its dry run) and returns the created request. */
function requestCreation(page: Page): Promise<Response> {
  return page.waitForResponse(
    r =>
      r.request().method() === 'POST' &&
      new URL(r.url()).pathname === '/api/istio-upgrade/requests' &&
      r.request().postDataJSON()?.dryRun !== true,
    { timeout: 60_000 },
  );
}

test.beforeAll(waitForBackend);

test('(c) a user who does not own productpage sees Migrate disabled with the reason', async ({
  page,
}) => {
  const cluster = page.getByRole('region', { name: 'Cluster seed' });
  // Before (a), bookinfo may move to 1-10-4 (verdict allowed); after it, back to 1-9-7. Dave, who
  // owns none of bookinfo, may take neither, and is told why.
  const migrate = cluster
    .getByRole('region', { name: 'Namespace bookinfo' })
    .getByRole('button', { name: /^Migrate to / });
  const reason =
    'You may not migrate the namespaces of productpage: your permissions do not include istio-upgrade.namespace.migrate for it';
  await openUntil(page, 'dave', SERVICE_TAB, async () => {
    await expect(migrate.first()).toBeVisible({ timeout: 15_000 });
    await expect(migrate.first()).toHaveAccessibleDescription(reason, {
      timeout: 15_000,
    });
  });
  for (const button of await migrate.all()) {
    await expect(button).toBeDisabled();
    await expect(button).toHaveAccessibleDescription(reason);
  }
  await expect(
    cluster.getByText(reason, { exact: true }).first(),
  ).toBeVisible();
});

test.describe('the seed cluster upgrades without a failed request', () => {
  test("(a) the service team migrates productpage's namespace to 1-10-4 and watches it finish", async ({
    page,
  }) => {
    test.setTimeout(300_000);
    const cluster = page.getByRole('region', { name: 'Cluster seed' });
    const namespace = cluster.getByRole('region', {
      name: 'Namespace bookinfo',
    });
    const productpage = namespace
      .getByRole('table', { name: 'Workloads in bookinfo' })
      .getByRole('row')
      .filter({ hasText: 'productpage-v1' });
    const migrate = namespace.getByRole('button', {
      name: 'Migrate to 1-10-4',
    });
    const progress = page
      .getByTestId('request-progress')
      .filter({ hasText: 'namespace bookinfo on seed to 1-10-4' });

    // From here to the end of (b), the simulator's traffic probe counts the requests through the
    // seed cluster's ingress gateway and bookinfo (reset here, not in a hook: a hook would run
    // again in the new worker that follows a failed test, and hide what happened before it).
    await resetTraffic('seed');

    await test.step("carol sees productpage's sidecars on 1-9-7", async () => {
      // Carol (bookinfo team) owns productpage and may migrate its namespace.
      await openUntil(page, 'carol', SERVICE_TAB, async () => {
        await expect(productpage).toBeVisible({ timeout: 15_000 });
        await expect(migrate).toBeEnabled({ timeout: 15_000 });
      });
      await expect(productpage).toContainText('1-9-7 · 1.9.7');
      await expect(productpage).not.toContainText('1-10-4');
    });

    await test.step('she clicks Migrate and confirms the dry-run plan', async () => {
      await migrate.click();
      const dialog = page.getByRole('dialog', {
        name: 'Migrate namespace bookinfo to 1-10-4',
      });
      await expect(dialog).toBeVisible();
      // The dry run's plan: the label change and the workloads restarting in waves.
      await expect(dialog.getByTestId('request-plan')).toBeVisible({
        timeout: 60_000,
      });
      await expect(dialog.getByTestId('planned-wave').first()).toBeVisible();
      const start = dialog.getByRole('button', { name: 'Start migration' });
      await expect(start).toBeEnabled();
      const created = requestCreation(page);
      await start.click();
      expect((await created).status()).toBe(202);
      await expect(dialog).toBeHidden();
    });

    await test.step('the progress of pods migrated reaches 100 %, live', async () => {
      await expect(progress).toBeVisible();
      const bar = progress.getByRole('progressbar', { name: 'Pods migrated' });
      const seen: string[] = [];
      await expect(async () => {
        const now = await bar.getAttribute('aria-valuenow', {
          timeout: 5_000,
        });
        if (now !== null && seen[seen.length - 1] !== now) seen.push(now);
        expect(now).toBe('100');
      }).toPass({ timeout: 200_000, intervals: [500] });
      test.info().annotations.push({
        type: 'progress seen (%)',
        description: seen.join(' → '),
      });
      await expect(progress.getByTestId('request-state')).toHaveText(
        'Succeeded',
        { timeout: 120_000 },
      );
    });

    await test.step("the tab shows productpage's sidecars on 1-10-4", async () => {
      await expect(productpage).toContainText('1-10-4 · 1.10.4', {
        timeout: 60_000,
      });
      await expect(productpage).not.toContainText('1-9-7');
      await expect(namespace).toContainText(/asks for\s*1-10-4/);
      await expect(
        page
          .getByRole('region', { name: 'Request history' })
          .getByRole('row')
          .filter({ hasText: 'Namespace migration' }),
      ).toContainText('Succeeded');
      await screenshot(page, 'service-istio-tab.png');
    });
  });

  test('(b) the platform team cuts the gateway over to 1-10-4, approved by another platform user', async ({
    page,
    browser,
  }) => {
    test.setTimeout(300_000);
    const service = page.getByTestId('gateway-service-istio-ingressgateway');
    const reason = 'nobody approves or rejects their own request';
    let id = '';

    await test.step('alice requests the cutover on the seed cluster tab', async () => {
      const request = service.getByRole('button', { name: 'Request cutover' });
      await openUntil(page, 'alice', CLUSTER_TAB, async () => {
        await expect(service.getByTestId('live-gateway')).toContainText(
          'revision 1-9-7',
          { timeout: 15_000 },
        );
        await expect(request).toBeEnabled({ timeout: 15_000 });
      });
      await request.click();
      const dialog = page.getByRole('dialog', {
        name: 'Cut over istio-gateways/istio-ingressgateway',
      });
      await expect(dialog.getByTestId('request-plan')).toBeVisible({
        timeout: 60_000,
      });
      const submit = dialog.getByRole('button', {
        name: 'Submit for approval',
      });
      await expect(submit).toBeEnabled();
      const created = requestCreation(page);
      await submit.click();
      const response = await created;
      expect(response.status()).toBe(202);
      id = ((await response.json()) as { id: string }).id;
      await expect(dialog).toBeHidden();
      await expect(
        page
          .getByTestId('request-progress')
          .filter({ hasText: 'Service istio-gateways/istio-ingressgateway' })
          .getByTestId('request-state'),
      ).toHaveText('Waiting for approval');
    });

    await test.step("the fleet page's queue refuses alice's own approval, with the reason", async () => {
      await openAs(page, 'alice', FLEET_PAGE);
      const pending = page.getByTestId(`pending-request-${id}`);
      // The first visit of the fleet page in the run loads its code and the fleet: over 30 s at times.
      await expect(pending).toBeVisible({ timeout: 120_000 });
      const approve = pending.getByRole('button', { name: 'Approve' });
      await expect(approve).toBeDisabled();
      await expect(approve).toHaveAccessibleDescription(reason);
      await expect(
        pending.getByText(reason, { exact: true }).first(),
      ).toBeVisible();
    });

    const bobs = await contextFor(browser);
    try {
      const bob = await bobs.newPage();
      await test.step('bob approves it in the queue and watches it succeed', async () => {
        await openAs(bob, 'bob', FLEET_PAGE);
        const pending = bob.getByTestId(`pending-request-${id}`);
        // People by their catalog display names, linked to their pages.
        await expect(pending).toContainText('Asked by Alice (platform) at');
        await expect(
          pending.getByRole('link', { name: 'Alice (platform)' }),
        ).toHaveAttribute('href', '/catalog/default/user/alice');
        const approve = pending.getByRole('button', { name: 'Approve' });
        await expect(approve).toBeEnabled();
        // The screenshot shows the fleet and the queue with the recent requests, all loaded.
        await expect(bob.getByTestId('fleet-cluster-seed')).toBeVisible();
        await expect(
          bob.getByRole('row').filter({ hasText: 'Gateway cutover' }),
        ).toBeVisible();
        await screenshot(bob, 'fleet-page.png');

        await approve.click();
        const decision = bob.getByRole('dialog', { name: /^Approve: / });
        await decision
          .getByRole('textbox', { name: 'Comment' })
          .fill('The 1-10-4 gateway is ready: cut over.');
        await decision.getByRole('button', { name: 'Approve' }).click();
        await expect(decision).toBeHidden();
        await expect(pending).toBeHidden();

        const decided = bob
          .getByRole('region', { name: 'Decided here' })
          .getByTestId('request-progress');
        await expect(decided).toContainText('decided by Bob (platform)');
        await expect(decided.getByTestId('request-state')).toHaveText(
          'Succeeded',
          { timeout: 200_000 },
        );
      });
    } finally {
      await bobs.close();
    }

    await test.step('the seed cluster tab shows the gateway live on 1-10-4', async () => {
      await openUntil(
        page,
        'alice',
        CLUSTER_TAB,
        async () => {
          await expect(service.getByTestId('live-gateway')).toContainText(
            'revision 1-10-4',
            { timeout: 10_000 },
          );
        },
        60_000,
      );
      await expect(service).toContainText('standby');
      await expect(
        page.getByRole('row').filter({ hasText: 'Gateway cutover' }),
      ).toContainText('Succeeded');
      await screenshot(page, 'cluster-istio-tab.png');
    });
  });

  test('the traffic probe counted no failed request across (a) and (b)', async () => {
    const after = await readTraffic('seed');
    const figures = `sent ${after.sent}, succeeded ${after.succeeded}, failed ${
      after.failed
    }, failures by reason ${JSON.stringify(after.failuresByReason)}`;
    test
      .info()
      .annotations.push({ type: 'traffic probe (seed)', description: figures });
    // eslint-disable-next-line no-console
    console.log(`traffic probe on seed across (a) and (b): ${figures}`);
    expect(after.sent).toBeGreaterThan(0);
    expect(after.failuresByReason).toEqual({});
    expect(after.failed).toBe(0);
  });
});
