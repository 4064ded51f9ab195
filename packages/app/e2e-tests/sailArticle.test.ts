import {
  APIRequestContext,
  Browser,
  expect,
  Locator,
  Page,
  Response,
  test,
} from '@playwright/test';
import {
  BACKEND,
  contextFor,
  openAs,
  openUntil,
  readTraffic,
  resetTraffic,
  screenshot,
  waitForBackend,
} from './demoPortal';

/*
 * The Sail article, end to end through the portal on the demo's `prod-ap` cluster (Sail's
 * RevisionBased Istio `default` on default-v1-30-4, its `default` tag, namespace bookstore injected
 * through that tag, the Gateway API Gateway ingress/public on the revision, a flow from the
 * gateway's Service into bookstore), as the platform team does it: (1) alice adds Istio 1.31.0 beside
 * 1.30.4 and bob approves; (2) alice migrates bookstore to default-v1-31-0; (3) she moves the gateway
 * to it, approved by bob; (4) she moves the `default` tag to it, approved by bob; (5) she removes
 * default-v1-30-4, now unused, approved by bob. The simulator's traffic probe counts the requests
 * through the gateway and bookstore from (1) to (5): none may fail.
 *
 * The steps build on each other and on a freshly started demo (scripts/start.sh starts a new
 * simulator each run); each one waits for the state the one before leaves.
 */

const CLUSTER = 'prod-ap';
const CLUSTER_TAB = `/catalog/default/resource/${CLUSTER}/istio`;
const FLEET_PAGE = '/istio-upgrade';
const OLD = 'default-v1-30-4';
const NEW = 'default-v1-31-0';

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

/** A guest's token for the backend's API (the guest is in the platform team). */
async function guestToken(request: APIRequestContext): Promise<string> {
  const session = await request.post(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(session.ok()).toBe(true);
  return (await session.json()).backstageIdentity.token;
}

/**
 * Runs `check`; when it fails, attaches the request as the backend has it
 * (`GET /api/istio-upgrade/requests/<id>`: state, error, steps and events) and prints it, so that a
 * product failure says what happened.
 */
async function explainingRequest(
  request: APIRequestContext,
  id: string,
  check: () => Promise<void>,
) {
  try {
    await check();
  } catch (e) {
    const token = await guestToken(request);
    const res = await request.get(
      `${BACKEND}/api/istio-upgrade/requests/${id}`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    const body = await res.text();
    await test
      .info()
      .attach(`request ${id}`, { body, contentType: 'application/json' });
    // eslint-disable-next-line no-console
    console.log(`request ${id} (${res.status()}): ${body}`);
    throw e;
  }
}

/** Picks `option` in the MUI Select whose accessible name contains `label`. */
async function pick(page: Page, scope: Locator, label: RegExp, option: RegExp) {
  await scope.getByRole('button', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
  await expect(page.getByRole('listbox')).toBeHidden();
}

/**
 * Submits a dialog's request once its dry run is shown; returns the created request's id and
 * whether it waits for approval.
 */
async function submit(
  page: Page,
  dialog: Locator,
  confirm: RegExp,
): Promise<{ id: string; state: string }> {
  await expect(dialog.getByTestId('request-plan')).toBeVisible({
    timeout: 60_000,
  });
  const button = dialog.getByRole('button', { name: confirm });
  await expect(button).toBeEnabled();
  const created = requestCreation(page);
  await button.click();
  const response = await created;
  expect(response.status()).toBe(202);
  const body = (await response.json()) as { id: string; state: string };
  await expect(dialog).toBeHidden();
  return body;
}

/** Bob, another platform user, approves request `id` in the fleet page's queue. */
async function approveAsBob(browser: Browser, id: string, comment: string) {
  const bobs = await contextFor(browser);
  try {
    const bob = await bobs.newPage();
    await openAs(bob, 'bob', FLEET_PAGE);
    const pending = bob.getByTestId(`pending-request-${id}`);
    // The first visit of the fleet page in the run loads its code and the fleet: over 30 s at times.
    await expect(pending).toBeVisible({ timeout: 120_000 });
    await expect(pending).toContainText('Asked by Alice (platform) at');
    const approve = pending.getByRole('button', { name: 'Approve' });
    await expect(approve).toBeEnabled();
    await approve.click();
    const decision = bob.getByRole('dialog', { name: /^Approve: / });
    await decision.getByRole('textbox', { name: 'Comment' }).fill(comment);
    await decision.getByRole('button', { name: 'Approve' }).click();
    await expect(decision).toBeHidden();
    await expect(pending).toBeHidden();
    await expect(
      bob
        .getByRole('region', { name: 'Decided here' })
        .getByTestId('request-progress')
        .first(),
    ).toContainText('decided by Bob (platform)');
  } finally {
    await bobs.close();
  }
}

/** Waits until the request shown in `region` on alice's page has succeeded. */
async function succeeds(
  request: APIRequestContext,
  id: string,
  region: Locator,
) {
  await explainingRequest(request, id, async () => {
    await expect(region.getByTestId('request-state')).toHaveText('Succeeded', {
      timeout: 240_000,
    });
  });
}

test.beforeAll(waitForBackend);

test.describe('the Sail article on prod-ap: 1.30.4 to 1.31.0 without a failed request', () => {
  test('(1) alice adds Istio 1.31.0 beside 1.30.4 and bob approves', async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(420_000);
    const controlPlanes = page.getByRole('region', { name: 'Control planes' });
    const add = controlPlanes.getByRole('button', { name: 'Add revision' });
    const rows = controlPlanes.getByRole('row');

    // From here to the end of (5), the simulator's traffic probe counts the requests through the
    // gateway and bookstore (reset here, not in a hook, as upgrade.test.ts does).
    await resetTraffic(CLUSTER);

    await openUntil(page, 'alice', CLUSTER_TAB, async () => {
      await expect(rows.filter({ hasText: OLD })).toBeVisible({
        timeout: 15_000,
      });
      await expect(add).toBeEnabled({ timeout: 15_000 });
    });
    await expect(rows.filter({ hasText: NEW })).toHaveCount(0);

    let id = '';
    await test.step('she picks Istio 1.31 and checks the dry run: Sail writes the Istio', async () => {
      await add.click();
      const dialog = page.getByRole('dialog', {
        name: `Add a revision to ${CLUSTER}`,
      });
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText("Sail's operator");
      await pick(
        page,
        dialog,
        /Istio release/,
        /^Istio 1\.31\.\d+ — revision default-v1-31-\d+ — allowed/,
      );
      const version = dialog.getByRole('textbox', {
        name: 'Version to install',
      });
      await expect(version).not.toHaveValue('');
      if ((await version.inputValue()) !== '1.31.0') {
        await version.fill('1.31.0');
      }
      await expect(dialog.getByTestId('install-revision')).toHaveText(
        `The new revision is named ${NEW}.`,
      );
      await expect(dialog.getByRole('list', { name: 'Verdict' })).toBeVisible();

      const plan = dialog.getByRole('region', { name: 'Control plane' });
      await expect(plan).toBeVisible({ timeout: 60_000 });
      await expect(plan).toContainText("Managed by Sail's operator");
      await expect(plan).toContainText(
        'the request sets spec.version of Istio/default to Istio 1.31.0',
      );
      await expect(plan.getByRole('list', { name: 'Values diff' })).toHaveText(
        'spec.version: "v1.30.4" -> "v1.31.0"',
      );
      // The one write: a merge patch of the Istio's spec.version.
      const write = dialog.getByTestId('planned-patch');
      await expect(write).toHaveCount(1);
      await expect(write).toContainText('Istio default');
      await expect(write).toContainText('"version": "v1.31.0"');
      await expect(
        dialog.getByRole('list', { name: 'Prechecks' }),
      ).toBeVisible();
      await expect(dialog).toContainText('Prechecks passed');
      await screenshot(page, 'sail-add-revision.png');

      ({ id } = await submit(page, dialog, /^Submit for approval$/));
    });

    const progress = page.getByRole('region', {
      name: `Control plane install: control plane ${NEW} (Istio 1.31.0) on ${CLUSTER}`,
    });
    await expect(progress.getByTestId('request-state')).toHaveText(
      'Waiting for approval',
    );

    await test.step('bob approves it in the queue', async () => {
      await approveAsBob(browser, id, 'Install 1.31.0 beside 1.30.4.');
    });

    await test.step('the install succeeds and the control planes are both revisions', async () => {
      await succeeds(request, id, progress);
      await expect(async () => {
        await expect(rows.filter({ hasText: NEW })).toContainText('1.31.0', {
          timeout: 10_000,
        });
      }).toPass({ timeout: 120_000 });
      await expect(rows.filter({ hasText: OLD })).toContainText('1.30.4');
    });
  });

  test('(2) alice migrates namespace bookstore to default-v1-31-0', async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(420_000);
    const namespaces = page.getByRole('region', { name: 'Namespaces' });
    const migrate = namespaces.getByRole('button', {
      name: 'Migrate namespace bookstore',
    });
    await openUntil(page, 'alice', CLUSTER_TAB, async () => {
      await expect(migrate).toBeEnabled({ timeout: 15_000 });
    });
    await migrate.click();
    const dialog = page.getByRole('dialog', {
      name: 'Migrate namespace bookstore',
    });
    await pick(
      page,
      dialog,
      /^Revision/,
      new RegExp(`^${NEW} \\(1\\.31\\.0\\)`),
    );
    await expect(dialog.getByTestId('planned-wave').first()).toBeVisible({
      timeout: 60_000,
    });
    const { id, state } = await submit(
      page,
      dialog,
      /^(Start migration|Submit for approval)$/,
    );
    if (state === 'pending-approval') {
      await approveAsBob(browser, id, 'Move bookstore to 1.31.0.');
    }
    const progress = page.getByRole('region', {
      name: `Namespace migration: namespace bookstore on ${CLUSTER} to ${NEW}`,
    });
    await succeeds(request, id, progress);
    await expect(
      progress.getByRole('progressbar', { name: 'Pods migrated' }),
    ).toHaveAttribute('aria-valuenow', '100');
    await expect(async () => {
      const row = namespaces.getByRole('row').filter({ hasText: 'bookstore' });
      await expect(row).toContainText(NEW, { timeout: 10_000 });
      await expect(row).not.toContainText(OLD, { timeout: 10_000 });
    }).toPass({ timeout: 120_000 });
  });

  test('(3) alice moves the gateway ingress/public to default-v1-31-0, approved by bob', async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(420_000);
    const gateways = page.getByRole('region', { name: 'Gateway API gateways' });
    const row = gateways.getByRole('row').filter({ hasText: 'public' });
    const move = gateways.getByRole('button', {
      name: 'Move gateway ingress/public',
    });
    await openUntil(page, 'alice', CLUSTER_TAB, async () => {
      await expect(row).toContainText(OLD, { timeout: 15_000 });
      await expect(move).toBeEnabled({ timeout: 15_000 });
    });
    await move.click();
    const dialog = page.getByRole('dialog', {
      name: 'Move gateway ingress/public',
    });
    await pick(
      page,
      dialog,
      /^Revision/,
      new RegExp(`^${NEW} \\(1\\.31\\.0\\)`),
    );
    await expect(dialog.getByTestId('planned-patch').first()).toContainText(
      'Gateway ingress/public',
      { timeout: 60_000 },
    );
    const { id, state } = await submit(
      page,
      dialog,
      /^(Start gateway move|Submit for approval)$/,
    );
    const progress = page.getByRole('region', {
      name: `Gateway move: Gateway ingress/public on ${CLUSTER} to ${NEW}`,
    });
    if (state === 'pending-approval') {
      await expect(progress.getByTestId('request-state')).toHaveText(
        'Waiting for approval',
      );
      await approveAsBob(browser, id, 'The gateway goes to 1.31.0.');
    }
    await succeeds(request, id, progress);
    await expect(async () => {
      await expect(row).toContainText(NEW, { timeout: 10_000 });
      await expect(row).not.toContainText(OLD, { timeout: 10_000 });
    }).toPass({ timeout: 120_000 });
  });

  test('(4) alice moves the default tag to default-v1-31-0, approved by bob', async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(420_000);
    const tags = page.getByRole('region', { name: 'Revision tags' });
    const row = tags.getByRole('row').filter({ hasText: /^default/ });
    const move = tags.getByTestId('move-tag-default');
    await openUntil(page, 'alice', CLUSTER_TAB, async () => {
      await expect(row).toContainText(OLD, { timeout: 15_000 });
      await expect(move).toBeEnabled({ timeout: 15_000 });
    });
    await move.click();
    const dialog = page.getByRole('dialog', { name: 'Move tag default' });
    await pick(
      page,
      dialog,
      /^Revision/,
      new RegExp(`^${NEW} \\(1\\.31\\.0\\)`),
    );
    const { id, state } = await submit(
      page,
      dialog,
      /^(Start tag move|Submit for approval)$/,
    );
    const progress = page.getByRole('region', {
      name: `Revision tag move: tag default on ${CLUSTER} to ${NEW}`,
    });
    if (state === 'pending-approval') {
      await approveAsBob(browser, id, 'The default tag follows 1.31.0.');
    }
    await succeeds(request, id, progress);
    // The tag stays on the new revision (Sail's IstioRevisionTag says where it points, not the webhook).
    await openUntil(
      page,
      'alice',
      CLUSTER_TAB,
      async () => {
        await expect(row).toContainText(NEW, { timeout: 10_000 });
      },
      120_000,
    );
    await page.waitForTimeout(10_000);
    await openAs(page, 'alice', CLUSTER_TAB);
    await expect(row).toContainText(NEW, { timeout: 30_000 });
    await expect(row).not.toContainText(OLD);
  });

  test('(5) alice removes default-v1-30-4, now unused, approved by bob', async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(420_000);
    const controlPlanes = page.getByRole('region', { name: 'Control planes' });
    const rows = controlPlanes.getByRole('row');
    const remove = controlPlanes.getByRole('button', {
      name: `Remove revision ${OLD}`,
    });
    await openUntil(page, 'alice', CLUSTER_TAB, async () => {
      await expect(remove).toBeEnabled({ timeout: 20_000 });
    });
    await remove.click();
    const dialog = page.getByRole('dialog', { name: `Remove revision ${OLD}` });
    const plan = dialog.getByRole('region', { name: 'Control plane' });
    await expect(plan).toBeVisible({ timeout: 60_000 });
    await expect(plan).toContainText(
      `The request deletes IstioRevision/${OLD} now; Sail then removes its control plane.`,
    );
    await expect(plan.getByRole('list', { name: 'Deletions' })).toHaveText(
      `IstioRevision/${OLD}`,
    );
    await expect(dialog).toContainText('Prechecks passed');
    await screenshot(page, 'sail-remove-revision.png');
    const { id } = await submit(page, dialog, /^Submit for approval$/);
    const progress = page.getByRole('region', {
      name: `Control plane removal: control plane ${OLD} on ${CLUSTER}`,
    });
    await expect(progress.getByTestId('request-state')).toHaveText(
      'Waiting for approval',
    );
    await approveAsBob(browser, id, 'Nothing uses 1.30.4 any more.');
    await succeeds(request, id, progress);
    await expect(async () => {
      await expect(rows.filter({ hasText: OLD })).toHaveCount(0, {
        timeout: 10_000,
      });
      await expect(rows.filter({ hasText: NEW })).toContainText('1.31.0', {
        timeout: 10_000,
      });
    }).toPass({ timeout: 120_000 });
    await screenshot(page, 'sail-cluster-tab.png');
  });

  test('the traffic probe counted no failed request across (1) to (5)', async () => {
    const after = await readTraffic(CLUSTER);
    const figures = `sent ${after.sent}, succeeded ${after.succeeded}, failed ${
      after.failed
    }, failures by reason ${JSON.stringify(after.failuresByReason)}`;
    test.info().annotations.push({
      type: `traffic probe (${CLUSTER})`,
      description: figures,
    });
    // eslint-disable-next-line no-console
    console.log(`traffic probe on ${CLUSTER} across (1) to (5): ${figures}`);
    expect(after.sent).toBeGreaterThan(0);
    expect(after.failuresByReason).toEqual({});
    expect(after.failed).toBe(0);
  });
});
