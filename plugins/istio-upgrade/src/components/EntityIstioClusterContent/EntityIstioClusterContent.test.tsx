import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aCluster,
  aControlPlane,
  aGatewayService,
  anInventory,
} from '../../__testUtils__/clusterFixtures';
import { aPlan, aRequest } from '../../__testUtils__/requestFixtures';
import {
  mockIstioUpgradeApi,
  never,
} from '../../__testUtils__/mockIstioUpgradeApi';
import { seedCluster } from '../../__testUtils__/catalogFixtures';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { EntityIstioClusterContent } from './EntityIstioClusterContent';

// Permission answers are cached per app by usePermission (SWR): the denied cases are in
// EntityIstioClusterContent.withoutPermission.test.tsx.
describe('EntityIstioClusterContent', () => {
  it('shows progress while the clusters load', async () => {
    const api = mockIstioUpgradeApi({ listClusters: () => never() });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('says when the backend does not know the cluster yet', async () => {
    const api = mockIstioUpgradeApi({ listClusters: async () => [] });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    expect(
      await screen.findByText(/does not know this cluster yet/),
    ).toBeInTheDocument();
    expect(api.getClusterInventory).not.toHaveBeenCalled();
  });

  it('shows a cluster the portal cannot use with its reason, and no inventory', async () => {
    const api = mockIstioUpgradeApi({
      listClusters: async () => [
        aCluster({
          status: 'no-credentials',
          message: 'no token configured for seed',
          sync: { state: 'unavailable', complete: false },
        }),
      ],
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    expect(
      await screen.findByText(/No credentials: no token configured for seed/),
    ).toBeInTheDocument();
    expect(screen.getByText('Unavailable')).toBeInTheDocument();
    expect(api.getClusterInventory).not.toHaveBeenCalled();
  });

  it('shows the inventory error inline under the cluster state', async () => {
    const api = mockIstioUpgradeApi({
      getClusterInventory: async () => {
        throw new Error('inventory not synced yet');
      },
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    expect(await screen.findByText('Istio on Lab cluster')).toBeInTheDocument();
    expect(screen.getByText('Connected')).toBeInTheDocument();
    expect(
      (await screen.findAllByText(/inventory not synced yet/)).length,
    ).toBeGreaterThan(0);
  });

  it('shows control planes with support, tags, readiness, use and removal', async () => {
    const api = mockIstioUpgradeApi({
      getClusterInventory: async () =>
        anInventory({
          controlPlanes: [
            aControlPlane({
              revision: '1-9-7',
              tags: ['default'],
              isDefault: true,
              support: {
                status: 'end-of-life',
                minor: '1.9',
                endOfLife: '2021-10-08',
              },
              notRemovableBecause: ['9 pods still run it'],
            }),
            aControlPlane({
              revision: '1-10-4',
              safeToRemove: true,
              notRemovableBecause: [],
              support: {
                status: 'ending-soon',
                minor: '1.10',
                endOfLife: '2026-12-01',
                daysToEndOfLife: 6,
              },
            }),
          ],
        }),
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const planes = await screen.findByRole('region', {
      name: 'Control planes',
    });
    expect(
      await within(planes).findByText('End of life since 2021-10-08'),
    ).toBeInTheDocument();
    expect(
      within(planes).getByText('End of life 2026-12-01'),
    ).toBeInTheDocument();
    expect(
      within(planes).getByText('9 pods still run it', { selector: 'li' }),
    ).toBeInTheDocument();
    expect(within(planes).getByText('Safe to remove')).toBeInTheDocument();
    expect(within(planes).getAllByText('default')).toHaveLength(2);
  });

  it('shows gateways with their live and standby colours, namespaces with drift, and warnings', async () => {
    await renderIstio(<EntityIstioClusterContent />, { entity: seedCluster });
    const service = await screen.findByTestId(
      'gateway-service-istio-ingressgateway',
    );
    expect(within(service).getByTestId('live-gateway')).toHaveTextContent(
      'istio-ingressgateway-1-9-7 — revision 1-9-7',
    );
    expect(within(service).getByText('2 ready endpoints')).toBeInTheDocument();
    expect(
      within(service).getByText(/istio-ingressgateway-1-10-4/),
    ).toBeInTheDocument();
    const namespaces = screen.getByRole('region', { name: 'Namespaces' });
    expect(within(namespaces).getByText('1 to restart')).toBeInTheDocument();
    expect(
      within(namespaces).getByText('istio.io/rev=1-9-7'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('region', { name: 'Warnings' })).getByText(
        /1 pod in namespace nginx is not yet restarted/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('cluster-totals')).toHaveTextContent(
      '8 namespaces, 13 pods (11 with a sidecar), 1 on another revision',
    );
  });

  it('disables cutover with the reason when no standby gateway is ready', async () => {
    const api = mockIstioUpgradeApi({
      getClusterInventory: async () =>
        anInventory({
          gatewayServices: [
            aGatewayService({
              standby: [
                {
                  namespace: 'istio-gateways',
                  name: 'istio-ingressgateway-1-10-4',
                  revision: '1-10-4',
                  ready: false,
                },
              ],
            }),
          ],
        }),
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const button = await screen.findByRole('button', {
      name: 'Request cutover',
    });
    await waitFor(() =>
      expect(button).toHaveAccessibleDescription('No standby gateway is ready'),
    );
    expect(button).toBeDisabled();
  });

  it('requests a cutover: dry-run prechecks, then a request waiting for approval shown live', async () => {
    const pending = aRequest({
      id: 'cutover-1',
      type: 'gateway-cutover',
      state: 'pending-approval',
      target: { namespace: 'istio-gateways', service: 'istio-ingressgateway' },
      approvalRequired: true,
      approvalReason: 'gateway cutovers need the platform team',
      progress: { podsInScope: 0, podsMigrated: 0 },
      allowedActions: ['cancel'],
      notAllowedBecause: { approve: 'You may not approve your own request' },
    });
    const api = mockIstioUpgradeApi({
      planRequest: async () =>
        aPlan({
          approvalRequired: true,
          approvalReason: 'gateway cutovers need the platform team',
          prechecks: {
            passed: true,
            checks: [
              {
                id: 'endpoints',
                status: 'pass',
                message:
                  'istio-ingressgateway-1-10-4 has ready endpoints on ports 80, 443',
              },
            ],
          },
        }),
      createRequest: async () => pending,
      getRequest: async () => pending,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const button = await screen.findByRole('button', {
      name: 'Request cutover',
    });
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog', {
      name: 'Cut over istio-gateways/istio-ingressgateway',
    });
    expect(
      await within(dialog).findByText(
        'istio-ingressgateway-1-10-4 has ready endpoints on ports 80, 443',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        /This request waits for approval: gateway cutovers/,
      ),
    ).toBeInTheDocument();
    expect(api.planRequest).toHaveBeenCalledWith({
      type: 'gateway-cutover',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'istio-gateways', service: 'istio-ingressgateway' },
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Submit for approval' }),
    );
    const live = await screen.findByRole('region', {
      name: /Gateway cutover: Service istio-gateways\/istio-ingressgateway on seed to 1-10-4/,
    });
    expect(within(live).getByText('Waiting for approval')).toBeInTheDocument();
    expect(
      within(live).getByRole('button', { name: 'Cancel request' }),
    ).toBeEnabled();
  });

  it('moves a tag: pick a revision, dry run, request', async () => {
    const moved = aRequest({
      id: 'tag-1',
      type: 'revision-tag-move',
      state: 'pending-approval',
      target: { tag: 'default' },
      progress: { podsInScope: 0, podsMigrated: 0 },
    });
    const api = mockIstioUpgradeApi({
      createRequest: async () => moved,
      getRequest: async () => moved,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const button = await screen.findByRole('button', { name: 'Move tag' });
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog', {
      name: 'Move tag default',
    });
    expect(
      within(dialog).getByRole('button', { name: 'Start tag move' }),
    ).toBeDisabled();
    expect(api.planRequest).not.toHaveBeenCalledWith(
      expect.objectContaining({ type: 'revision-tag-move' }),
    );
    await userEvent.click(within(dialog).getByLabelText('Revision'));
    await userEvent.click(
      await screen.findByRole('option', { name: /1-10-4/ }),
    );
    await userEvent.click(
      within(dialog).getByLabelText(/Also restart the workloads/),
    );
    await waitFor(() =>
      expect(api.planRequest).toHaveBeenLastCalledWith({
        type: 'revision-tag-move',
        cluster: 'seed',
        revision: '1-10-4',
        target: { tag: 'default' },
        options: { migrateNamespaces: true },
      }),
    );
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Start tag move' }),
    );
    expect(
      await screen.findByRole('region', {
        name: /Revision tag move: tag default/,
      }),
    ).toBeInTheDocument();
  });

  it('lets the platform team migrate a namespace without a catalog entity', async () => {
    const created = aRequest({
      id: 'migrate-nginx',
      entityRef: undefined,
      target: { namespace: 'nginx' },
      state: 'running',
    });
    const api = mockIstioUpgradeApi({
      createRequest: async () => created,
      getRequest: async () => created,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const namespaces = await screen.findByRole('region', {
      name: 'Namespaces',
    });
    const button = await within(namespaces).findByRole('button', {
      name: 'Migrate namespace nginx',
    });
    expect(
      within(namespaces).getByRole('button', {
        name: 'Migrate namespace bookinfo',
      }),
    ).toBeEnabled();
    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog', {
      name: 'Migrate namespace nginx',
    });
    await userEvent.click(within(dialog).getByLabelText('Revision'));
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
    await waitFor(() => expect(api.createRequest).toHaveBeenCalledTimes(1));
    expect(api.createRequest.mock.calls[0][0]).toEqual({
      type: 'namespace-migration',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'nginx' },
      idempotencyKey: expect.stringMatching(/^ui:/),
    });
    expect(api.createRequest.mock.calls[0][0]).not.toHaveProperty('entityRef');
    expect(
      await screen.findByRole('region', {
        name: /Namespace migration: namespace nginx on seed to 1-10-4/,
      }),
    ).toBeInTheDocument();
  });

  it('disables Migrate on a namespace while a migration of it is active', async () => {
    const active = aRequest({ state: 'pending-approval' });
    const api = mockIstioUpgradeApi({
      listRequests: async () => [active],
      getRequest: async () => active,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const button = await screen.findByRole('button', {
      name: 'Migrate namespace bookinfo',
    });
    await waitFor(() =>
      expect(button).toHaveAccessibleDescription(
        /A request to 1-10-4 is waiting for approval; one request per target at a time/,
      ),
    );
    expect(button).toBeDisabled();
  });

  it('disables cutover while a cutover of the Service is active', async () => {
    const active = aRequest({
      type: 'gateway-cutover',
      state: 'running',
      target: { namespace: 'istio-gateways', service: 'istio-ingressgateway' },
      progress: { podsInScope: 0, podsMigrated: 0 },
    });
    const api = mockIstioUpgradeApi({
      listRequests: async () => [active],
      getRequest: async () => active,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const button = await screen.findByRole('button', {
      name: 'Request cutover',
    });
    await waitFor(() =>
      expect(button).toHaveAccessibleDescription(
        /A request to 1-10-4 is running; one request per target at a time/,
      ),
    );
    expect(api.listRequests).toHaveBeenCalledWith({
      cluster: 'seed',
      limit: 50,
    });
  });
});
