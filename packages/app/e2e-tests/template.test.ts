import { expect, test } from '@playwright/test';
import { openUntil, screenshot, waitForBackend } from './demoPortal';

/*
 * The example template "Move my service to a newer Istio revision" in the portal's scaffolder: its
 * IstioMigrationTargetPicker lists the revisions productpage's namespace can move to, with the
 * istio-upgrade backend's verdicts, and the picked target passes the backend's check on the way to
 * the review step. Nothing is created: the migration itself is scenario (a) of upgrade.test.ts.
 */

const formData = encodeURIComponent(
  JSON.stringify({ entityRef: 'component:default/productpage' }),
);
const TEMPLATE = `/create/templates/default/istio-migrate?formData=${formData}`;

test.beforeAll(waitForBackend);

test("the template's picker offers productpage's targets and the pick reaches the review", async ({
  page,
}) => {
  const picker = page.getByRole('radiogroup', {
    name: /Target Istio revision/,
  });
  const choice = picker.getByRole('radio', { disabled: false }).first();
  await openUntil(page, 'carol', TEMPLATE, async () => {
    await expect(
      page.getByText(
        /^Lab cluster.* · namespace bookinfo \(asks for 1-\d+-\d+/,
      ),
    ).toBeVisible({ timeout: 15_000 });
    // Targets are offered once the seed cluster's inventory is synced.
    await expect(choice).toBeVisible({ timeout: 10_000 });
  });
  const revision = (await choice.getAttribute('value'))?.split('/')[2];
  expect(revision).toMatch(/^1-(9-7|10-4)$/);

  await choice.check();
  await expect(choice).toBeChecked();
  await screenshot(page, 'template-picker.png');

  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByRole('button', { name: 'Create' })).toBeVisible();
  await expect(page.getByText(revision!, { exact: true })).toBeVisible();
  await expect(page.getByText('bookinfo', { exact: true })).toBeVisible();
});
