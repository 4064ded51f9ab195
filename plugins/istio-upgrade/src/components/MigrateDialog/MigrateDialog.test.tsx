import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aControlPlane } from '../../__testUtils__/clusterFixtures';
import {
  aPlan,
  aRequest,
  aSharedBookinfoPlan,
} from '../../__testUtils__/requestFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { RequestDraft } from '../../api/IstioUpgradeApi';
import { MigrateDialog } from './MigrateDialog';

/** The backend's answers for bookinfo, where Erin's details-v1 and ratings-v1 run beside productpage. */
function sharedBookinfoPlan(draft: RequestDraft) {
  if (draft.options?.restartScope === 'entity') {
    return aPlan({
      plan: {
        ...aPlan().plan,
        summary:
          'Move namespace bookinfo to 1-10-4: relabel it, then restart 1 workload in 1 wave',
        waves: [aPlan().plan.waves[0]],
      },
      approvalRequired: false,
      approvalReason: 'asked by an owner of component:default/productpage',
    });
  }
  return aSharedBookinfoPlan();
}

const forProductpage = {
  cluster: 'seed',
  namespace: 'bookinfo',
  revision: '1-10-4',
  fromRevision: '1-9-7',
  entityRef: 'component:default/productpage',
};

describe('MigrateDialog', () => {
  it('shows whose workloads a shared namespace runs and whose approval the request waits for', async () => {
    const api = mockIstioUpgradeApi({
      planRequest: async draft => sharedBookinfoPlan(draft),
    });
    await renderIstio(
      <MigrateDialog
        open
        {...forProductpage}
        onClose={jest.fn()}
        onCreated={jest.fn()}
      />,
      { api },
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Migrate namespace bookinfo to 1-10-4',
    });
    const shared = await within(dialog).findByRole('region', {
      name: 'Shared namespace',
    });
    expect(shared).toHaveTextContent(
      "2 workloads here are not this entity's, and restart with it",
    );
    expect(within(shared).getByText('Deployment/details-v1')).toBeVisible();
    expect(within(shared).getByText('Deployment/ratings-v1')).toBeVisible();
    // Erin shows by her catalog display name, linked to her page.
    await waitFor(() =>
      expect(shared).toHaveTextContent(
        'The request waits for their owner, Erin (ratings), or an approver to approve it.',
      ),
    );
    expect(
      within(shared).getByRole('link', { name: 'Erin (ratings)' }),
    ).toHaveAttribute('href', '/catalog/default/user/erin');
    expect(
      within(dialog).getByRole('radio', {
        name: "Every workload in bookinfo, also the 2 that are not productpage's: the request waits for Erin (ratings) or an approver",
      }),
    ).toBeChecked();
    expect(
      within(dialog).getByRole('button', { name: 'Submit for approval' }),
    ).toBeEnabled();
  });

  it('re-plans with restartScope entity when only the entity’s workloads are to restart, and sends it', async () => {
    const created = aRequest({
      state: 'approved',
      options: { restartScope: 'entity' },
    });
    const api = mockIstioUpgradeApi({
      planRequest: async draft => sharedBookinfoPlan(draft),
      createRequest: async () => created,
    });
    const onCreated = jest.fn();
    await renderIstio(
      <MigrateDialog
        open
        {...forProductpage}
        onClose={jest.fn()}
        onCreated={onCreated}
      />,
      { api },
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      await within(dialog).findByRole('radio', {
        name: "Only productpage's workloads: the others keep their proxies until their owners move",
      }),
    );
    await waitFor(() =>
      expect(api.planRequest).toHaveBeenLastCalledWith({
        type: 'namespace-migration',
        cluster: 'seed',
        revision: '1-10-4',
        target: { namespace: 'bookinfo' },
        entityRef: 'component:default/productpage',
        options: { restartScope: 'entity' },
      }),
    );
    // The entity-scope plan restarts productpage only and needs no approval; the choice stays.
    expect(
      await within(dialog).findByText(
        'No approval needed: it starts as soon as you confirm.',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('region', { name: 'Shared namespace' }),
    ).not.toBeInTheDocument();
    expect(
      within(dialog).getByRole('radio', { name: /^Only productpage's/ }),
    ).toBeChecked();
    expect(
      within(dialog).getByText(/productpage's workloads restart/),
    ).toBeVisible();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Start migration' }),
    );
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    expect(api.createRequest).toHaveBeenCalledWith({
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
      options: { restartScope: 'entity' },
      idempotencyKey: expect.stringMatching(/^ui:/),
    });
  });

  it('offers no restart scope in a namespace that runs only the entity’s workloads', async () => {
    await renderIstio(
      <MigrateDialog
        open
        {...forProductpage}
        onClose={jest.fn()}
        onCreated={jest.fn()}
      />,
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText('Prechecks passed'),
    ).toBeInTheDocument();
    expect(within(dialog).queryByRole('radio')).not.toBeInTheDocument();
    expect(
      within(dialog).queryByRole('region', { name: 'Shared namespace' }),
    ).not.toBeInTheDocument();
  });

  it('without an entity, picks the revision and asks for the whole namespace without entityRef', async () => {
    const api = mockIstioUpgradeApi();
    await renderIstio(
      <MigrateDialog
        open
        cluster="seed"
        namespace="nginx"
        fromRevision="1-9-7"
        controlPlanes={[
          aControlPlane({ revision: '1-9-7' }),
          aControlPlane({ revision: '1-10-4' }),
        ]}
        onClose={jest.fn()}
        onCreated={jest.fn()}
      />,
      { api },
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Migrate namespace nginx',
    });
    expect(dialog).toHaveTextContent(
      'No catalog entity: every workload there restarts.',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Start migration' }),
    ).toBeDisabled();
    expect(api.planRequest).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByLabelText('Revision'));
    expect(
      screen.queryByRole('option', { name: /1-9-7/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('option', { name: /1-10-4/ }),
    );
    await waitFor(() =>
      expect(api.planRequest).toHaveBeenCalledWith({
        type: 'namespace-migration',
        cluster: 'seed',
        revision: '1-10-4',
        target: { namespace: 'nginx' },
      }),
    );
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Start migration' }),
    );
    await waitFor(() =>
      expect(api.createRequest).toHaveBeenCalledWith({
        type: 'namespace-migration',
        cluster: 'seed',
        revision: '1-10-4',
        target: { namespace: 'nginx' },
        idempotencyKey: expect.stringMatching(/^ui:/),
      }),
    );
    expect(within(dialog).queryByRole('radio')).not.toBeInTheDocument();
  });
});
