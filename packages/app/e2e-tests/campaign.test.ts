import {
  APIRequestContext,
  Browser,
  expect,
  Locator,
  Page,
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
 * A fleet upgrade campaign through the fleet page's Campaigns tab, on the demo's prod-eu and
 * prod-us clusters (the other end-to-end tests work on seed and prod-ap, so the tests may run in one
 * portal in any order): alice plans a campaign to Istio 1.30.4 in two rings, prod-eu then prod-us,
 * checks the dry run (rings, waves, requests) and creates it; bob, another platform user, approves
 * it; alice watches prod-eu's pods move to the target and a wave's health gate pass on the demo's
 * Prometheus, pauses the campaign (it stops once the wave in progress is done), resumes it, and
 * watches it reach ring 2 and succeed. The simulator's traffic probe counts the requests through
 * both clusters' gateways meanwhile: none may fail.
 *
 * The campaign leaves the gateways where they are ("Gateway cutover" unchecked): upgrade.test.ts
 * finds its own cutover as the one "Gateway cutover" row among the fleet page's recent requests.
 * The demo (app-config.demo.yaml) counts the campaign's pace in seconds: the form's soak, gate
 * window, notice and deferral fields are left empty, so that those settings apply.
 */

const FLEET_PAGE = '/istio-upgrade';
const CAMPAIGNS_TAB = `${FLEET_PAGE}?tab=campaigns`;
const CLUSTERS = ['prod-eu', 'prod-us'];
const NAME = 'Production to 1.30.4';
const TARGET = '1.30.4';

/** A guest's token for the backend's API (the guest is in the platform team). */
async function guestToken(request: APIRequestContext): Promise<string> {
  const session = await request.post(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(session.ok()).toBe(true);
  return (await session.json()).backstageIdentity.token;
}

/**
 * Runs `check`; when it fails, attaches the campaign as the backend has it
 * (`GET /api/istio-upgrade/campaigns/<id>`: state, rings, clusters, waves, gates and events) and
 * prints its state and latest events, so that a product failure says what happened.
 */
async function explainingCampaign(
  request: APIRequestContext,
  id: () => string,
  check: () => Promise<void>,
) {
  try {
    await check();
  } catch (e) {
    if (id()) {
      const token = await guestToken(request);
      const res = await request.get(
        `${BACKEND}/api/istio-upgrade/campaigns/${id()}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      const body = await res.text();
      await test
        .info()
        .attach(`campaign ${id()}`, { body, contentType: 'application/json' });
      try {
        const c = JSON.parse(body);
        // eslint-disable-next-line no-console
        console.log(
          `campaign ${id()} (${res.status()}): ${c.state} ${
            c.pausedReason ?? ''
          }\n${(c.events ?? [])
            .slice(0, 12)
            .map((ev: { message: string }) => ev.message)
            .join('\n')}`,
        );
      } catch {
        // eslint-disable-next-line no-console
        console.log(`campaign ${id()} (${res.status()}): ${body}`);
      }
    }
    throw e;
  }
}

/** Picks `clusters` in the ring's multiple select, then closes its list. */
async function pickClusters(
  page: Page,
  dialog: Locator,
  ring: number,
  clusters: string[],
) {
  await dialog.getByLabel(`Clusters of ring ${ring}`).click();
  for (const cluster of clusters) {
    await page
      .getByRole('option', { name: new RegExp(`\\b${cluster}$`) })
      .click();
  }
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toBeHidden();
}

/** A progress bar's value, as a percentage. */
async function percentOf(bar: Locator): Promise<number> {
  return Number(await bar.getAttribute('aria-valuenow', { timeout: 5_000 }));
}

/** Bob, another platform user, opens the campaign from the Campaigns tab and approves it. */
async function approveAsBob(browser: Browser, id: string) {
  const bobs = await contextFor(browser);
  try {
    const bob = await bobs.newPage();
    await openAs(bob, 'bob', CAMPAIGNS_TAB);
    const row = bob.getByTestId(`campaign-${id}`);
    // The first visit of the fleet page in the run loads its code: over 30 s at times.
    await expect(row).toContainText('Waiting for approval', {
      timeout: 120_000,
    });
    await expect(
      row.getByRole('link', { name: 'Alice (platform)' }),
    ).toBeVisible();
    await row.getByRole('button', { name: `Open campaign ${NAME}` }).click();
    const approve = bob.getByRole('button', { name: 'Approve', exact: true });
    await expect(approve).toBeEnabled();
    await expect(
      bob.getByRole('button', { name: 'Reject', exact: true }),
    ).toBeEnabled();
    await approve.click();
    await expect(bob.getByText(/decided by\s*Bob \(platform\)/)).toBeVisible();
    await expect(approve).toBeHidden();
    await bob.getByRole('button', { name: 'Back to campaigns' }).click();
    await expect(row).not.toContainText('Waiting for approval');
  } finally {
    await bobs.close();
  }
}

test.beforeAll(waitForBackend);

test.describe('a campaign to Istio 1.30.4 over prod-eu, then prod-us', () => {
  test('alice plans and creates it, bob approves, alice pauses and resumes it and it succeeds', async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(300_000);
    let id = '';
    const campaignId = () => id;
    const state = page.getByTestId('campaign-state').first();
    const prodEu = page.getByRole('region', {
      name: 'Campaign cluster prod-eu',
    });
    const waves = prodEu.getByRole('listitem', { name: /^Wave \d+$/ });
    const podsOnTarget = prodEu.getByRole('progressbar', {
      name: /^Pods on target on prod-eu: /,
    });

    // From here to the end, the simulator's traffic probe counts the requests through both clusters
    // (reset here, not in a hook, as upgrade.test.ts does).
    for (const cluster of CLUSTERS) await resetTraffic(cluster);

    await test.step('alice plans the campaign: two rings, their waves and requests', async () => {
      const create = page.getByRole('button', { name: 'New campaign' });
      await openUntil(page, 'alice', FLEET_PAGE, async () => {
        await expect(page.getByTestId('fleet-cluster-prod-eu')).toBeVisible({
          timeout: 15_000,
        });
      });
      await page.getByRole('tab', { name: 'Campaigns' }).click();
      await expect(
        page.getByRole('tab', { name: 'Campaigns' }),
      ).toHaveAttribute('aria-selected', 'true');
      await expect(create).toBeEnabled({ timeout: 30_000 });
      await create.click();
      const dialog = page.getByRole('dialog', { name: 'New campaign' });
      await expect(dialog).toBeVisible();

      await dialog.getByRole('textbox', { name: 'Campaign name' }).fill(NAME);
      const target = dialog.getByLabel('Target version');
      await target.fill(TARGET);
      await page.keyboard.press('Escape');
      await expect(target).toHaveValue(TARGET);

      await dialog
        .getByRole('textbox', { name: 'Name of ring 1' })
        .fill('prod-eu');
      await pickClusters(page, dialog, 1, ['prod-eu']);
      await dialog.getByRole('button', { name: 'Add ring' }).click();
      await dialog
        .getByRole('textbox', { name: 'Name of ring 2' })
        .fill('prod-us');
      await pickClusters(page, dialog, 2, ['prod-us']);

      await dialog
        .getByRole('textbox', { name: 'Namespaces per wave' })
        .fill('2');
      await dialog.getByRole('checkbox', { name: 'Gateway cutover' }).uncheck();
      await expect(
        dialog.getByRole('checkbox', { name: 'Tag move' }),
      ).toBeChecked();
      // Empty by default: the demo's settings apply (10 s soak and gate window, 5 s notice, 1 h deferral).
      for (const field of [
        'Soak seconds',
        'Gate window seconds',
        'Notify ahead seconds',
        'Max defer seconds',
      ]) {
        await expect(dialog.getByRole('textbox', { name: field })).toHaveValue(
          '',
        );
      }
      await dialog
        .getByRole('textbox', { name: 'Comment' })
        .fill('Production onto 1.30.4, EU first.');

      const createCampaign = dialog.getByRole('button', {
        name: 'Create campaign',
      });
      await expect(createCampaign).toBeDisabled();
      await dialog.getByRole('button', { name: 'Plan' }).click();

      const plan = dialog.getByRole('region', { name: 'Campaign plan' });
      await expect(plan).toBeVisible({ timeout: 60_000 });
      await expect(plan.getByRole('heading', { level: 4 })).toHaveText(
        /^\d+ requests to Istio 1\.30\.4, about /,
      );
      await expect(plan.getByRole('heading', { level: 5 })).toHaveText([
        'Ring 1: prod-eu (1 cluster)',
        'prod-eu → default-v1-30-4 from default-v1-30-1',
        'Ring 2: prod-us (1 cluster)',
        'prod-us → default-v1-30-4',
      ]);
      const plannedEu = plan.getByRole('region', {
        name: 'Planned cluster prod-eu',
      });
      await expect(plannedEu).toContainText('Health gate on Prometheus.');
      await expect(plannedEu.getByRole('heading', { level: 6 })).toHaveText([
        'Wave 1 · Namespaces',
        'Wave 2 · Namespaces',
        'Wave 3 · Tag move',
      ]);
      // The smallest namespaces first, two a wave; then the tags follow.
      await expect(
        plannedEu.getByRole('list', { name: 'Namespaces of wave 1' }),
      ).toContainText('payments: 3 pods');
      await expect(
        plannedEu.getByRole('list', { name: 'Requests of wave 1' }),
      ).toContainText('Migrate namespace payments (3 pods) to default-v1-30-4');
      await expect(
        plannedEu.getByRole('list', { name: 'Requests of wave 2' }),
      ).toContainText('Migrate namespace shop (5 pods) to default-v1-30-4');
      await expect(
        plannedEu
          .getByRole('list', { name: 'Requests of wave 3' })
          .getByRole('listitem'),
      ).toHaveText([
        /Point tag default from default-v1-30-1 to default-v1-30-4$/,
        /Point tag prod from default-v1-30-1 to default-v1-30-4$/,
      ]);
      // prod-us already runs 1.30.4 where it asks for it: its ring has nothing to do, and says so.
      await expect(
        plan.getByRole('region', { name: 'Planned cluster prod-us' }),
      ).toContainText('Nothing to do on this cluster.');
      await expect(plan).toContainText(
        'prod-us: nothing to do, every namespace already runs default-v1-30-4',
      );

      await page.setViewportSize({ width: 1440, height: 2000 });
      await screenshot(page, 'campaign-plan.png');
      await page.setViewportSize({ width: 1440, height: 900 });

      await expect(createCampaign).toBeEnabled();
      const created = page.waitForResponse(
        r =>
          r.request().method() === 'POST' &&
          new URL(r.url()).pathname === '/api/istio-upgrade/campaigns' &&
          r.request().postDataJSON()?.dryRun !== true,
        { timeout: 60_000 },
      );
      await createCampaign.click();
      const response = await created;
      expect(response.status()).toBe(202);
      const body = (await response.json()) as { id: string; state: string };
      id = body.id;
      expect(body.state).toBe('pending-approval');
      await expect(dialog).toBeHidden();
    });

    await test.step('the campaign waits for approval, which alice may not give', async () => {
      await expect(page).toHaveURL(new RegExp(`campaign=${id}`));
      await expect(
        page.getByText(`Campaign ${NAME}`, { exact: true }),
      ).toBeVisible();
      await expect(state).toHaveText('Waiting for approval');
      await expect(
        page.getByRole('button', { name: 'Approve', exact: true }),
      ).toHaveCount(0);
      await expect(
        page.getByRole('region', { name: 'Ring prod-eu' }),
      ).toBeVisible();
      await expect(
        page.getByRole('region', { name: 'Ring prod-us' }),
      ).toBeVisible();
      // Nothing has moved yet: prod-eu's 13 pods in scope are all on older revisions.
      await expect(podsOnTarget).toHaveAccessibleName(
        'Pods on target on prod-eu: 0 of 13 pods',
      );
      await expect(podsOnTarget).toHaveAttribute('aria-valuenow', '0');
    });

    await test.step('bob approves it', async () => {
      await approveAsBob(browser, id);
    });

    let pausedDuring = 0;
    await test.step("alice watches prod-eu's pods move to 1.30.4, then pauses", async () => {
      await explainingCampaign(request, campaignId, async () => {
        await expect(state).toHaveText('Running', { timeout: 60_000 });
        await expect(
          page.getByRole('heading', { name: /^Ring 1: prod-eu — Running/ }),
        ).toBeVisible();
        // Wave 1 starts after its owners' 5 s notice.
        await expect(waves.first()).toContainText(
          /Wave 1 · Namespaces — (Running|Checking the health gate|Succeeded)/,
          { timeout: 60_000 },
        );
        const seen: number[] = [];
        await expect(async () => {
          const now = await percentOf(podsOnTarget);
          if (seen[seen.length - 1] !== now) seen.push(now);
          expect(now).toBeGreaterThan(0);
        }).toPass({ timeout: 120_000, intervals: [500] });
        test.info().annotations.push({
          type: 'pods on target on prod-eu (%)',
          description: seen.join(' → '),
        });
        expect(await percentOf(podsOnTarget)).toBeLessThan(100);
        await screenshot(page, 'campaign-progress.png');

        // Pause: the wave in progress finishes (and is gated), no further wave starts.
        const texts = await waves.allInnerTexts();
        pausedDuring =
          texts.findIndex(t =>
            /— (Running|Checking the health gate|Pending)/.test(t),
          ) + 1;
        expect(pausedDuring).toBeGreaterThan(0);
        await page.getByRole('button', { name: 'Pause', exact: true }).click();
        await expect(state).toHaveText('Paused', { timeout: 120_000 });
      });
    });

    await test.step('the campaign paused once the wave in progress was done, its gate passed', async () => {
      await expect(
        page.getByRole('alert').filter({ hasText: 'Paused:' }),
      ).toContainText('paused on request; the waves in progress finished');
      await expect(
        page.getByRole('button', { name: 'Resume', exact: true }),
      ).toBeEnabled();
      await expect(
        page.getByRole('button', { name: 'Pause', exact: true }),
      ).toHaveCount(0);
      // No wave is left half done; the waves after the one that ran wait.
      for (const text of await waves.allInnerTexts()) {
        expect(text).not.toMatch(/— (Running|Checking the health gate)/);
      }
      await expect(waves.last()).toContainText('Wave 3 · Tag move — Pending');
      const gate = prodEu.getByRole('region', {
        name: 'Health gate of wave 1 on prod-eu',
      });
      await expect(waves.first()).toContainText(
        'Wave 1 · Namespaces — Succeeded',
      );
      await expect(gate).toContainText('Gate passed');
      await expect(
        gate.getByRole('table', { name: 'Gate figures of wave 1 on prod-eu' }),
      ).toContainText('namespace payments');
      await expect(
        page.getByRole('heading', { name: /^Ring 2: prod-us — Pending/ }),
      ).toBeVisible();
      await screenshot(page, 'campaign-paused.png');
    });

    await test.step('alice resumes it: prod-eu finishes, soaks, ring 2 runs and the campaign succeeds', async () => {
      await page.getByRole('button', { name: 'Resume', exact: true }).click();
      await explainingCampaign(request, campaignId, async () => {
        await expect(state).not.toHaveText('Paused', { timeout: 30_000 });
        await expect(
          page.getByRole('heading', { name: /^Ring 2: prod-us — / }),
        ).not.toHaveText(/Pending/, { timeout: 180_000 });
        await expect(state).toHaveText('Succeeded', { timeout: 120_000 });
      });
      await expect(
        page.getByRole('heading', { name: 'Ring 1: prod-eu — Succeeded' }),
      ).toBeVisible();
      await expect(
        page.getByRole('heading', { name: 'Ring 2: prod-us — Succeeded' }),
      ).toBeVisible();
      for (const text of await waves.allInnerTexts()) {
        expect(text).toMatch(/ — Succeeded/);
      }
      await expect(podsOnTarget).toHaveAttribute('aria-valuenow', '100');
      await expect(
        page.getByRole('progressbar', {
          name: 'Clusters done: 2 of 2 clusters',
        }),
      ).toBeVisible();
      expect(pausedDuring).toBeGreaterThan(0);
    });
  });

  test('the traffic probe counted no failed request on prod-eu and prod-us', async () => {
    for (const cluster of CLUSTERS) {
      const after = await readTraffic(cluster);
      const figures = `sent ${after.sent}, succeeded ${
        after.succeeded
      }, failed ${after.failed}, failures by reason ${JSON.stringify(
        after.failuresByReason,
      )}`;
      test.info().annotations.push({
        type: `traffic probe (${cluster})`,
        description: figures,
      });
      // eslint-disable-next-line no-console
      console.log(
        `traffic probe on ${cluster} during the campaign: ${figures}`,
      );
      expect(after.sent).toBeGreaterThan(0);
      expect(after.failuresByReason).toEqual({});
      expect(after.failed).toBe(0);
    }
  });
});
