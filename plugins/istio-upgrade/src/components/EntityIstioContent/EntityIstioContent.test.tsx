import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aCluster } from '../../__testUtils__/clusterFixtures';
import {
  anEntityCluster,
  anEntityView,
} from '../../__testUtils__/entityViewFixtures';
import { aPlan, aRequest } from '../../__testUtils__/requestFixtures';
import { aScheduledNamespace } from '../../__testUtils__/campaignFixtures';
import {
  backendError,
  mockIstioUpgradeApi,
  never,
} from '../../__testUtils__/mockIstioUpgradeApi';
import { productpage } from '../../__testUtils__/catalogFixtures';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { EntityIstioContent } from './EntityIstioContent';

async function notFound(): Promise<never> {
  throw await backendError({
    status: 404,
    name: 'NotFoundError',
    message: 'No such thing',
  });
}

// Permission answers are cached per app by usePermission (SWR), so the denied cases live in
// EntityIstioContent.withoutPermission.test.tsx, where every check is denied.
describe('EntityIstioContent', () => {
  it('shows progress while the entity view loads', async () => {
    const api = mockIstioUpgradeApi({ getEntityView: () => never() });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(api.getEntityView).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'productpage',
    });
  });

  it('shows the error when the entity view fails', async () => {
    const api = mockIstioUpgradeApi({ getEntityView: notFound });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    expect(
      (await screen.findAllByText(/No such thing/)).length,
    ).toBeGreaterThan(0);
  });

  it('explains an empty view with the selector', async () => {
    const api = mockIstioUpgradeApi({
      getEntityView: async () => anEntityView({ clusters: [] }),
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    expect(await screen.findByText('No workloads found')).toBeInTheDocument();
    expect(
      screen.getByText(/matches backstage.io\/kubernetes-id=productpage/),
    ).toBeInTheDocument();
  });

  it('shows workloads by revision, the desired revision, warnings and targets per cluster and namespace', async () => {
    await renderIstio(<EntityIstioContent />, { entity: productpage });
    const cluster = await screen.findByRole('region', {
      name: 'Cluster seed',
    });
    const namespace = within(cluster).getByRole('region', {
      name: 'Namespace bookinfo',
    });
    expect(
      within(namespace).getByText('istio-injection=enabled'),
    ).toBeInTheDocument();
    expect(within(namespace).getByText('productpage-v1')).toBeInTheDocument();
    expect(
      within(namespace).getByText('1-9-7 · 1.9.7 × 1'),
    ).toBeInTheDocument();
    expect(within(cluster).getByText('End of life: 1-9-7')).toBeInTheDocument();
    expect(
      within(cluster).getByLabelText(
        /error: Control plane 1-9-7 runs Istio 1.9.7/,
      ),
    ).toBeInTheDocument();
    expect(
      within(namespace).getByText(/Allowed: 1.10.4, \+1 minor/),
    ).toBeInTheDocument();
    expect(
      within(namespace).getByRole('button', { name: 'Migrate to 1-10-4' }),
    ).toBeEnabled();
  });

  it('shows drift and workload notes with explanations', async () => {
    const api = mockIstioUpgradeApi({
      getEntityView: async () =>
        anEntityView({
          clusters: [
            anEntityCluster({
              workloads: [
                {
                  ...anEntityCluster().workloads[0],
                  podsNeedingRestart: 2,
                  paused: true,
                  podsByRevision: [
                    { revision: '1-9-7', version: '1.9.7', count: 2 },
                    { revision: '1-10-4', version: '1.10.4', count: 1 },
                  ],
                },
              ],
            }),
          ],
        }),
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    expect(
      await screen.findByText('2 pods need a restart'),
    ).toBeInTheDocument();
    expect(screen.getByText('paused')).toBeInTheDocument();
    expect(screen.getByText('1-10-4 · 1.10.4 × 1')).toBeInTheDocument();
  });

  it('disables Migrate with the verdict when the target is blocked', async () => {
    const blocked = anEntityCluster();
    blocked.namespaces[0].targets = [
      {
        revision: '1-8-0',
        version: '1.8.0',
        verdict: 'blocked',
        reason: '1.8.0 is end of life since 2021-05-12',
      },
    ];
    const api = mockIstioUpgradeApi({
      getEntityView: async () => anEntityView({ clusters: [blocked] }),
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    const button = await screen.findByRole('button', {
      name: 'Migrate to 1-8-0',
    });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      'Blocked: 1.8.0 is end of life since 2021-05-12',
    );
  });

  it('disables Migrate while another migration of the namespace is active', async () => {
    const api = mockIstioUpgradeApi({
      listRequests: async filter =>
        filter?.state ? [aRequest({ state: 'pending-approval' })] : [],
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    const button = await screen.findByRole('button', {
      name: 'Migrate to 1-10-4',
    });
    await waitFor(() => expect(button).toBeDisabled());
    expect(button).toHaveAccessibleDescription(
      /waiting for approval; one request per namespace at a time/,
    );
    expect(
      screen.getByRole('region', {
        name: /Namespace migration: namespace bookinfo/,
      }),
    ).toBeInTheDocument();
  });

  it('shows an unreachable cluster inline and the rest of the page', async () => {
    const api = mockIstioUpgradeApi({
      listClusters: async () => [
        aCluster(),
        aCluster({
          name: 'prod-eu',
          title: 'Production EU',
          sync: {
            state: 'error',
            complete: false,
            error: 'connect ECONNREFUSED',
          },
        }),
      ],
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    const row = await screen.findByTestId('unavailable-cluster-prod-eu');
    expect(row).toHaveTextContent('Production EU');
    expect(row).toHaveTextContent('Sync error: connect ECONNREFUSED');
    expect(
      screen.getByRole('region', { name: 'Cluster seed' }),
    ).toBeInTheDocument();
  });

  it('warns inline when a cluster in the view is stale', async () => {
    const api = mockIstioUpgradeApi({
      getEntityView: async () =>
        anEntityView({
          clusters: [
            anEntityCluster({
              cluster: aCluster({
                sync: { state: 'stale', complete: true, stalenessSeconds: 600 },
              }),
            }),
          ],
        }),
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    expect(
      await screen.findByText(/The inventory of seed is not up to date/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Migrate to 1-10-4' }),
    ).toHaveAccessibleDescription(/is stale; wait until it is synced/);
  });

  it('migrates: dry run with the label change, waves and prechecks, then the live request', async () => {
    const created = aRequest({ state: 'running' });
    const api = mockIstioUpgradeApi({
      createRequest: async () => created,
      getRequest: async () => created,
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Migrate to 1-10-4' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Migrate namespace bookinfo to 1-10-4',
    });
    expect(
      await within(dialog).findByText('Prechecks passed'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('set label istio.io/rev=1-10-4'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('remove label istio-injection'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Wave 1')).toBeInTheDocument();
    expect(
      within(dialog).getByText('Deployment bookinfo/details-v1 (1 pod)'),
    ).toBeInTheDocument();
    expect(api.planRequest).toHaveBeenCalledWith({
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
    });

    await userEvent.type(within(dialog).getByLabelText(/Comment/), 'now');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Start migration' }),
    );
    await waitFor(() => expect(api.createRequest).toHaveBeenCalledTimes(1));
    expect(api.createRequest.mock.calls[0][0]).toEqual({
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
      comment: 'now',
      idempotencyKey: expect.stringMatching(/^ui:/),
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    const progress = await screen.findByRole('progressbar', {
      name: 'Pods migrated',
    });
    expect(progress).toHaveAttribute('aria-valuenow', '50');
  });

  it('keeps Start disabled with the reason when a precheck fails', async () => {
    const api = mockIstioUpgradeApi({
      planRequest: async () =>
        aPlan({
          prechecks: {
            passed: false,
            checks: [
              {
                id: 'target-ready',
                status: 'fail',
                message: 'istiod-1-10-4 has 0/1 ready replicas',
              },
            ],
          },
        }),
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Migrate to 1-10-4' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText('Prechecks failed'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('istiod-1-10-4 has 0/1 ready replicas'),
    ).toBeInTheDocument();
    const start = within(dialog).getByRole('button', {
      name: 'Start migration',
    });
    expect(start).toBeDisabled();
    expect(start).toHaveAccessibleDescription(/A precheck failed/);
  });

  it('shows a failed dry run with a retry, and a failed creation', async () => {
    let plans = 0;
    const api = mockIstioUpgradeApi({
      planRequest: async () => {
        plans += 1;
        if (plans === 1) throw new Error('backend busy');
        return aPlan();
      },
      createRequest: async () => {
        throw new Error('A request for namespace bookinfo is already active');
      },
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Migrate to 1-10-4' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(/The dry run failed: backend busy/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Retry' }),
    );
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Start migration' }),
    );
    expect(
      await within(dialog).findByText(
        /The request was not created: A request for namespace bookinfo is already active/,
      ),
    ).toBeInTheDocument();
  });

  it('lists the history and opens a past request', async () => {
    const past = aRequest({
      state: 'succeeded',
      progress: { podsInScope: 6, podsMigrated: 6 },
      finishedAt: '2026-11-25T18:05:00.000Z',
      allowedActions: ['rollback'],
    });
    const api = mockIstioUpgradeApi({
      listRequests: async filter => (filter?.entityRef ? [past] : []),
      getRequest: async () => past,
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    const history = await screen.findByRole('region', {
      name: 'Request history',
    });
    expect(await within(history).findByText('Succeeded')).toBeInTheDocument();
    expect(api.listRequests).toHaveBeenCalledWith({
      entityRef: 'component:default/productpage',
      limit: 50,
    });
    await userEvent.click(
      within(history).getByRole('button', { name: 'Details' }),
    );
    expect(
      await screen.findByRole('progressbar', { name: 'Pods migrated' }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByRole('button', { name: 'Roll back' })).toBeEnabled();
  });

  it('says so when the request history is unavailable', async () => {
    const api = mockIstioUpgradeApi({ listRequests: notFound });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    expect(
      await screen.findByText(/The request history is unavailable/),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Migrate to 1-10-4' }),
    ).toBeEnabled();
  });

  it("shows the campaign waves scheduled for the service's namespaces", async () => {
    const api = mockIstioUpgradeApi({
      getEntityCampaignWaves: async () => [aScheduledNamespace()],
    });
    await renderIstio(<EntityIstioContent />, { api, entity: productpage });
    const card = await screen.findByRole('region', {
      name: 'Scheduled upgrade waves',
    });
    expect(
      within(card).getByTestId('scheduled-seed-bookinfo'),
    ).toHaveTextContent('Fleet to 1.30');
  });
});
