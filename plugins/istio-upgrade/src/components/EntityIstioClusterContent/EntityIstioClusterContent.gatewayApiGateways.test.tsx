import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { anInventory } from '../../__testUtils__/clusterFixtures';
import { aPlan, aRequest } from '../../__testUtils__/requestFixtures';
import { aGatewayApiGateway } from '../../__testUtils__/gatewayApiFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { seedCluster } from '../../__testUtils__/catalogFixtures';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { EntityIstioClusterContent } from './EntityIstioClusterContent';

const inventory = anInventory({
  gatewayApiGateways: [
    aGatewayApiGateway(),
    aGatewayApiGateway({
      name: 'api',
      revisionLabel: '1-10-4',
      tag: undefined,
      revision: '1-10-4',
      deployment: 'api-istio',
      replicas: 1,
      readyReplicas: 0,
      podsByRevision: [
        { revision: '1-9-7', version: '1.9.7', count: 1 },
        { revision: '1-10-4', version: '1.10.4', count: 1 },
      ],
      programmed: false,
    }),
  ],
});

const movePlan = aPlan({
  approvalRequired: true,
  approvalReason: 'gateway moves need the platform team',
  plan: {
    summary: 'Move Gateway ingress/web from 1-9-7 to 1-10-4: relabel it',
    fromRevision: '1-9-7',
    toRevision: '1-10-4',
    podsInScope: 0,
    patches: [
      {
        step: 'relabel-gateway',
        kind: 'Gateway',
        namespace: 'ingress',
        name: 'web',
        patchType: 'merge',
        precondition: '4711',
        patch: { metadata: { labels: { 'istio.io/rev': '1-10-4' } } },
      },
    ],
    waves: [],
  },
});

describe('EntityIstioClusterContent, Gateway API gateways', () => {
  it('shows each gateway with its revision, tag, ready pods, pod revisions and Programmed', async () => {
    const api = mockIstioUpgradeApi({
      getClusterInventory: async () => inventory,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const section = await screen.findByRole('region', {
      name: 'Gateway API gateways',
    });
    const web = within(section).getByText('ingress/web').closest('tr')!;
    expect(web).toHaveTextContent('1-9-7 (through tag default)');
    expect(web).toHaveTextContent('2/2');
    expect(web).toHaveTextContent('1-9-7: 2');
    expect(within(web as HTMLElement).getByText('programmed')).toBeVisible();
    const apiRow = within(section).getByText('ingress/api').closest('tr')!;
    expect(apiRow).toHaveTextContent('0/1');
    expect(apiRow).toHaveTextContent('1-9-7: 1, 1-10-4: 1');
    expect(
      within(apiRow as HTMLElement).getByText('not programmed'),
    ).toBeVisible();
  });

  it('moves a gateway: pick a revision, dry run with the exact write, request', async () => {
    const created = aRequest({
      id: 'move-web',
      type: 'gateway-move',
      state: 'pending-approval',
      entityRef: undefined,
      target: { namespace: 'ingress', gateway: 'web' },
      progress: { podsInScope: 0, podsMigrated: 0 },
    });
    const api = mockIstioUpgradeApi({
      getClusterInventory: async () => inventory,
      planRequest: async () => movePlan,
      createRequest: async () => created,
      getRequest: async () => created,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const button = await screen.findByRole('button', {
      name: 'Move gateway ingress/web',
    });
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog', {
      name: 'Move gateway ingress/web',
    });
    expect(api.planRequest).not.toHaveBeenCalledWith(
      expect.objectContaining({ type: 'gateway-move' }),
    );
    await userEvent.click(within(dialog).getByLabelText('Revision'));
    await userEvent.click(
      await screen.findByRole('option', { name: /1-10-4/ }),
    );
    await waitFor(() =>
      expect(api.planRequest).toHaveBeenLastCalledWith({
        type: 'gateway-move',
        cluster: 'seed',
        revision: '1-10-4',
        target: { namespace: 'ingress', gateway: 'web' },
      }),
    );
    const patch = await within(dialog).findByTestId('planned-patch');
    expect(patch).toHaveTextContent('Gateway ingress/web');
    expect(patch).toHaveTextContent('only if resourceVersion is 4711');
    expect(patch).toHaveTextContent('"istio.io/rev": "1-10-4"');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Submit for approval' }),
    );
    await waitFor(() => expect(api.createRequest).toHaveBeenCalledTimes(1));
    expect(api.createRequest.mock.calls[0][0]).toEqual({
      type: 'gateway-move',
      cluster: 'seed',
      revision: '1-10-4',
      target: { namespace: 'ingress', gateway: 'web' },
      idempotencyKey: expect.stringMatching(/^ui:/),
    });
    expect(
      await screen.findByRole('region', {
        name: /Gateway move: Gateway ingress\/web on seed to 1-10-4/,
      }),
    ).toBeInTheDocument();
  });

  it('disables Move on a gateway while a move of it is active', async () => {
    const active = aRequest({
      type: 'gateway-move',
      state: 'running',
      target: { namespace: 'ingress', gateway: 'web' },
      progress: { podsInScope: 0, podsMigrated: 0 },
    });
    const api = mockIstioUpgradeApi({
      getClusterInventory: async () => inventory,
      listRequests: async () => [active],
      getRequest: async () => active,
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
    });
    const button = await screen.findByRole('button', {
      name: 'Move gateway ingress/web',
    });
    await waitFor(() =>
      expect(button).toHaveAccessibleDescription(
        /A request to 1-10-4 is running; one request per target at a time/,
      ),
    );
    expect(
      screen.getByRole('button', { name: 'Move gateway ingress/api' }),
    ).toBeEnabled();
  });
});
