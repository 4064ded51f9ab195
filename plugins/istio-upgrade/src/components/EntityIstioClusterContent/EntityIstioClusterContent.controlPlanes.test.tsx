import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RequestDraft } from '../../api/IstioUpgradeApi';
import {
  aHelmInstallPlan,
  aRemovalPlan,
  aSailInstallPlan,
  someRevisionCandidates,
} from '../../__testUtils__/controlPlaneFixtures';
import { aRequest } from '../../__testUtils__/requestFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { seedCluster } from '../../__testUtils__/catalogFixtures';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { EntityIstioClusterContent } from './EntityIstioClusterContent';

/** Dry runs as the backend answers them: removals of 1-10-4 pass unless told, installs on Helm. */
function dryRuns(removal = aRemovalPlan()) {
  return async (draft: RequestDraft) =>
    draft.type === 'control-plane-removal'
      ? removal
      : aHelmInstallPlan(draft.target.version, draft.revision);
}

const installRequest = (version: string, revision: string) =>
  aRequest({
    id: 'install-1',
    type: 'control-plane-install',
    state: 'pending-approval',
    revision,
    target: { version },
    entityRef: undefined,
    approvalRequired: true,
    plan: aHelmInstallPlan(version, revision).plan,
    progress: { podsInScope: 0, podsMigrated: 0 },
    steps: [],
    events: [],
  });

async function openAddRevision() {
  const add = await screen.findByRole('button', { name: 'Add revision' });
  await waitFor(() => expect(add).toBeEnabled());
  await userEvent.click(add);
  return screen.findByRole('dialog', { name: 'Add a revision to seed' });
}

async function pickRelease(dialog: HTMLElement, option: RegExp) {
  await userEvent.click(await within(dialog).findByLabelText('Istio release'));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('EntityIstioClusterContent, adding and removing control planes', () => {
  it("lists each version's revision name and verdict; a blocked version cannot be requested", async () => {
    const api = mockIstioUpgradeApi({ planRequest: dryRuns() });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const dialog = await openAddRevision();
    expect(api.getRevisionCandidates).toHaveBeenCalledWith('seed');
    expect(
      await within(dialog).findByText(/managed by Helm/),
    ).toBeInTheDocument();
    await userEvent.click(within(dialog).getByLabelText('Istio release'));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Istio 1.31.0 — revision 1-31-0 — blocked: 1-9-7: a canary upgrade from 1.9 to 1.31 skips 21 minors; at most 2 are supported',
      'Istio 1.11.0 — revision 1-11-0 — allowed, 1 warning',
      'Istio 1.10.4 — revision 1-10-4 — blocked: Revision 1-10-4 already exists in cluster seed',
    ]);
    await userEvent.click(options[0]);
    const verdict = within(dialog).getByRole('list', { name: 'Verdict' });
    expect(within(verdict).getByText(/skips 21 minors/)).toBeInTheDocument();
    const submit = within(dialog).getByRole('button', {
      name: 'Submit for approval',
    });
    expect(submit).toBeDisabled();
    expect(submit).toHaveAccessibleDescription(
      /Istio 1.31.0 cannot be installed: 1-9-7: a canary upgrade/,
    );
    expect(api.planRequest).not.toHaveBeenCalledWith(
      expect.objectContaining({ type: 'control-plane-install' }),
    );
    expect(api.createRequest).not.toHaveBeenCalled();
  });

  it('dry-runs an install on a Helm cluster, shows the commands people run, and requests it', async () => {
    const api = mockIstioUpgradeApi({
      planRequest: dryRuns(),
      createRequest: async draft =>
        installRequest(draft.target.version!, draft.revision),
      getRequest: async () => installRequest('1.11.3', '1-11-3'),
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const dialog = await openAddRevision();
    await pickRelease(dialog, /Istio 1.11.0/);
    expect(
      within(within(dialog).getByRole('list', { name: 'Verdict' })).getByText(
        'Istio 1.11 is end of life since 2022-03-25',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.planRequest).toHaveBeenLastCalledWith({
        type: 'control-plane-install',
        cluster: 'seed',
        revision: '1-11-0',
        target: { version: '1.11.0' },
      }),
    );
    const version = within(dialog).getByLabelText('Version to install');
    await userEvent.clear(version);
    await userEvent.type(version, '1.12.0');
    expect(version).toBeInvalid();
    expect(version).toHaveAccessibleDescription(
      'Type a version of Istio 1.11, such as 1.11.0',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Submit for approval' }),
    ).toBeDisabled();
    await userEvent.clear(version);
    await userEvent.type(version, '1.11.3');
    expect(within(dialog).getByTestId('install-revision')).toHaveTextContent(
      'The new revision is named 1-11-3.',
    );
    await waitFor(() =>
      expect(api.planRequest).toHaveBeenLastCalledWith({
        type: 'control-plane-install',
        cluster: 'seed',
        revision: '1-11-3',
        target: { version: '1.11.3' },
      }),
    );
    const plan = await within(dialog).findByRole('region', {
      name: 'Control plane',
    });
    expect(
      within(plan).getByText(
        /people run the commands below, and the request waits/,
      ),
    ).toBeInTheDocument();
    const commands = within(plan).getByRole('list', { name: 'Commands' });
    expect(
      within(commands).getByText(
        /^helm upgrade --install istiod-1-11-3 istio\/istiod --version 1.11.3/,
      ),
    ).toBeInTheDocument();
    expect(
      within(plan).getByRole('button', { name: 'Copy command 1' }),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Submit for approval' }),
    );
    await waitFor(() => expect(api.createRequest).toHaveBeenCalledTimes(1));
    expect(api.createRequest.mock.calls[0][0]).toEqual({
      type: 'control-plane-install',
      cluster: 'seed',
      revision: '1-11-3',
      target: { version: '1.11.3' },
      idempotencyKey: expect.stringMatching(/^ui:/),
    });
    const live = await screen.findByRole('region', {
      name: /Control plane install: control plane 1-11-3 \(Istio 1.11.3\) on seed/,
    });
    expect(within(live).getByText('Waiting for approval')).toBeInTheDocument();
    expect(
      within(live).getByRole('list', { name: 'Commands' }),
    ).toBeInTheDocument();
  });

  it('dry-runs an install on a Sail cluster: the write to the Istio resource and its values diff', async () => {
    const api = mockIstioUpgradeApi({
      getRevisionCandidates: async () => {
        const base = someRevisionCandidates();
        return {
          ...base,
          installedBy: 'sail',
          candidates: base.candidates.map(c => ({
            ...c,
            revision: `default-v${c.revision}`,
          })),
        };
      },
      planRequest: async draft =>
        aSailInstallPlan(draft.target.version, draft.revision),
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const dialog = await openAddRevision();
    await pickRelease(dialog, /revision default-v1-11-0/);
    await waitFor(() =>
      expect(api.planRequest).toHaveBeenLastCalledWith({
        type: 'control-plane-install',
        cluster: 'seed',
        revision: 'default-v1-11-0',
        target: { version: '1.11.0' },
      }),
    );
    const plan = await within(dialog).findByRole('region', {
      name: 'Control plane',
    });
    expect(
      within(plan).getByText(
        /sets spec.version of Istio\/default to Istio 1.11.0/,
      ),
    ).toBeInTheDocument();
    expect(
      within(within(plan).getByRole('list', { name: 'Values diff' })).getByText(
        'spec.version: "v1.10.4" -> "v1.11.0"',
      ),
    ).toBeInTheDocument();
    expect(
      within(plan).queryByRole('list', { name: 'Commands' }),
    ).not.toBeInTheDocument();
    const patch = within(dialog).getByTestId('planned-patch');
    expect(patch).toHaveTextContent('Istio default');
    expect(patch).toHaveTextContent('only if resourceVersion is 812');
    expect(patch).toHaveTextContent('"version": "v1.11.0"');
  });

  it("disables Remove with the dry run's reasons, and with the inventory's for the default revision", async () => {
    const api = mockIstioUpgradeApi({
      planRequest: dryRuns(
        aRemovalPlan({
          blockedBecause:
            'request install-1 (control-plane-install) is active on it',
        }),
      ),
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const remove = await screen.findByRole('button', {
      name: 'Remove revision 1-10-4',
    });
    await waitFor(() =>
      expect(remove).toHaveAccessibleDescription(
        'Revision 1-10-4 cannot be removed: request install-1 (control-plane-install) is active on it',
      ),
    );
    expect(remove).toBeDisabled();
    const removeDefault = screen.getByRole('button', {
      name: 'Remove revision 1-9-7',
    });
    expect(removeDefault).toBeDisabled();
    expect(removeDefault).toHaveAccessibleDescription(
      '9 pods still run it; it is the default revision',
    );
    // The default revision is refused from the inventory, without a dry run.
    expect(api.planRequest).toHaveBeenCalledTimes(1);
    expect(api.planRequest).toHaveBeenCalledWith({
      type: 'control-plane-removal',
      cluster: 'seed',
      revision: '1-10-4',
      target: {},
    });
  });

  it('enables Remove when the dry run passes (its standby gateway goes with it), shows the deletions and requests the removal', async () => {
    const removal = aRequest({
      id: 'removal-1',
      type: 'control-plane-removal',
      state: 'pending-approval',
      revision: '1-10-4',
      target: {},
      plan: aRemovalPlan().plan,
      progress: { podsInScope: 0, podsMigrated: 0 },
    });
    const api = mockIstioUpgradeApi({
      planRequest: dryRuns(),
      createRequest: async () => removal,
      getRequest: async () => removal,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const remove = await screen.findByRole('button', {
      name: 'Remove revision 1-10-4',
    });
    await waitFor(() => expect(remove).toBeEnabled());
    const planes = screen.getByRole('region', { name: 'Control planes' });
    expect(
      within(planes).getByText(
        /besides its standby gateway istio-gateways\/istio-ingressgateway-1-10-4, removed with it/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(remove);
    const dialog = await screen.findByRole('dialog', {
      name: 'Remove revision 1-10-4',
    });
    const plan = await within(dialog).findByRole('region', {
      name: 'Control plane',
    });
    expect(
      within(plan).getByText(/deletes the revision's objects now/),
    ).toBeInTheDocument();
    const deletions = within(plan).getByRole('list', { name: 'Deletions' });
    expect(
      within(deletions)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'Deployment/istio-system/istiod-1-10-4',
      'MutatingWebhookConfiguration//istio-sidecar-injector-1-10-4',
      'Deployment/istio-gateways/istio-ingressgateway-1-10-4',
    ]);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Submit for approval' }),
    );
    await waitFor(() => expect(api.createRequest).toHaveBeenCalledTimes(1));
    expect(api.createRequest.mock.calls[0][0]).toEqual({
      type: 'control-plane-removal',
      cluster: 'seed',
      revision: '1-10-4',
      target: {},
      idempotencyKey: expect.stringMatching(/^ui:/),
    });
    expect(
      await screen.findByRole('region', {
        name: 'Control plane removal: control plane 1-10-4 on seed',
      }),
    ).toBeInTheDocument();
  });
});
