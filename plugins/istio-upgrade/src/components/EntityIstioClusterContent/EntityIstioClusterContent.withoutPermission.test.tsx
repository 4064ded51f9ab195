import { screen, waitFor, within } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { anInventory } from '../../__testUtils__/clusterFixtures';
import { aGatewayApiGateway } from '../../__testUtils__/gatewayApiFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { seedCluster } from '../../__testUtils__/catalogFixtures';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { EntityIstioClusterContent } from './EntityIstioClusterContent';

/** Once the cutover button says why it is disabled, the permission answers are in. */
async function permissionsAnswered() {
  const cutover = await screen.findByRole('button', {
    name: 'Request cutover',
  });
  await waitFor(() =>
    expect(cutover).toHaveAccessibleDescription(/You may not cut gateways/),
  );
}

describe('EntityIstioClusterContent for a user outside the platform team', () => {
  it('disables cutover and tag moves with the permission they take', async () => {
    await renderIstio(<EntityIstioClusterContent />, {
      entity: seedCluster,
      authorize: AuthorizeResult.DENY,
    });
    const cutover = await screen.findByRole('button', {
      name: 'Request cutover',
    });
    await waitFor(() =>
      expect(cutover).toHaveAccessibleDescription(
        /You may not cut gateways over: that takes the istio-upgrade.gateway.cutover permission/,
      ),
    );
    expect(cutover).toBeDisabled();
    const move = screen.getByRole('button', { name: 'Move tag' });
    expect(move).toBeDisabled();
    expect(move).toHaveAccessibleDescription(
      /You may not move revision tags: that takes the istio-upgrade.tag.move permission/,
    );
  });

  it('offers no Migrate on namespaces without istio-upgrade.namespace.migrate-any', async () => {
    await renderIstio(<EntityIstioClusterContent />, {
      entity: seedCluster,
      authorize: AuthorizeResult.DENY,
    });
    await permissionsAnswered();
    const namespaces = screen.getByRole('region', { name: 'Namespaces' });
    expect(within(namespaces).getByText('nginx')).toBeInTheDocument();
    expect(
      within(namespaces).queryByRole('button', { name: /^Migrate/ }),
    ).not.toBeInTheDocument();
    expect(
      within(namespaces).queryByRole('columnheader', { name: 'Migrate' }),
    ).not.toBeInTheDocument();
  });

  it('shows Gateway API gateways without Move to those who may not cut gateways over', async () => {
    const api = mockIstioUpgradeApi({
      getClusterInventory: async () =>
        anInventory({ gatewayApiGateways: [aGatewayApiGateway()] }),
    });
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
      authorize: AuthorizeResult.DENY,
    });
    await permissionsAnswered();
    const section = screen.getByRole('region', {
      name: 'Gateway API gateways',
    });
    expect(within(section).getByText('ingress/web')).toBeInTheDocument();
    expect(
      within(section).queryByRole('button', { name: /^Move/ }),
    ).not.toBeInTheDocument();
  });

  it('offers neither Add revision nor Remove without istio-upgrade.control-plane.manage, and dry-runs no removal', async () => {
    const api = mockIstioUpgradeApi();
    await renderIstio(<EntityIstioClusterContent />, {
      api,
      entity: seedCluster,
      authorize: AuthorizeResult.DENY,
    });
    await permissionsAnswered();
    const planes = screen.getByRole('region', { name: 'Control planes' });
    expect(within(planes).getByText('9 pods still run it')).toBeInTheDocument();
    expect(
      within(planes).queryByRole('button', { name: 'Add revision' }),
    ).not.toBeInTheDocument();
    expect(
      within(planes).queryByRole('button', { name: /^Remove/ }),
    ).not.toBeInTheDocument();
    expect(api.planRequest).not.toHaveBeenCalled();
  });
});
