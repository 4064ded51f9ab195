import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aCampaign } from '../../__testUtils__/campaignFixtures';
import { aFleet } from '../../__testUtils__/fleetFixtures';
import { aRequest } from '../../__testUtils__/requestFixtures';
import {
  mockIstioUpgradeApi,
  never,
} from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { IstioUpgradePage, filterFleet } from './IstioUpgradePage';

describe('IstioUpgradePage', () => {
  it('shows progress while the fleet loads', async () => {
    const api = mockIstioUpgradeApi({ getFleet: () => never() });
    await renderIstio(<IstioUpgradePage />, { api });
    expect(
      screen.getByRole('heading', { name: 'Istio fleet' }),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('progress').length).toBeGreaterThan(0);
  });

  it('shows the error when the fleet cannot be loaded', async () => {
    const api = mockIstioUpgradeApi({
      getFleet: async () => {
        throw new Error('backend down');
      },
    });
    await renderIstio(<IstioUpgradePage />, { api });
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
  });

  it('explains an empty fleet', async () => {
    const api = mockIstioUpgradeApi({
      getFleet: async () => aFleet({ clusters: [], warnings: [] }),
    });
    await renderIstio(<IstioUpgradePage />, { api });
    expect(
      await screen.findByText('No clusters in the catalog'),
    ).toBeInTheDocument();
  });

  it('shows pods per revision for each cluster, with how far behind it is, and namespaces in its details', async () => {
    await renderIstio(<IstioUpgradePage />);
    const seed = await screen.findByTestId('fleet-cluster-seed');
    expect(within(seed).getByText('20 minors behind')).toBeInTheDocument();
    expect(
      within(seed).getByRole('img', {
        name: '1-9-7 (1.9.7): 9 pods; 1-10-4 (1.10.4): 2 pods; no sidecar: 2 pods',
      }),
    ).toBeInTheDocument();
    await userEvent.click(
      within(seed).getByRole('button', { name: 'Details of Lab cluster' }),
    );
    expect(
      screen.getByRole('img', { name: '1-9-7 (1.9.7): 2 namespaces' }),
    ).toBeInTheDocument();
    const us = screen.getByTestId('fleet-cluster-prod-us');
    expect(within(us).getByText('newest in fleet')).toBeInTheDocument();
    expect(
      screen.getByText(/The fleet's newest control plane is 1.30.0/),
    ).toBeInTheDocument();
  });

  it('lists the fleet warnings and narrows them with the cluster filter', async () => {
    await renderIstio(<IstioUpgradePage />);
    expect(
      await screen.findByText(/Control plane 1-9-7 runs Istio 1.9.7/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/3 pods in namespace payments/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Cluster'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'prod-us' }),
    );
    expect(screen.queryByTestId('fleet-cluster-seed')).not.toBeInTheDocument();
    expect(screen.getByTestId('fleet-cluster-prod-us')).toBeInTheDocument();
    expect(
      screen.queryByText(/Control plane 1-9-7 runs Istio 1.9.7/),
    ).not.toBeInTheDocument();
  });

  it('includes the requests queue', async () => {
    await renderIstio(<IstioUpgradePage />);
    expect(
      await screen.findByText('No request waits for approval.'),
    ).toBeInTheDocument();
  });

  it('switches between the fleet and the campaigns', async () => {
    const api = mockIstioUpgradeApi({
      listCampaigns: async () => [aCampaign()],
    });
    await renderIstio(<IstioUpgradePage />, { api });
    expect(await screen.findByTestId('fleet-cluster-seed')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Fleet' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(api.listCampaigns).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('tab', { name: 'Campaigns' }));
    const table = await screen.findByRole('table', { name: 'Campaigns' });
    expect(within(table).getByText('Fleet to 1.30')).toBeInTheDocument();
    expect(screen.queryByTestId('fleet-cluster-seed')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Fleet' }));
    expect(await screen.findByTestId('fleet-cluster-seed')).toBeInTheDocument();
  });

  it('opens the campaigns tab from the address', async () => {
    const api = mockIstioUpgradeApi({
      listCampaigns: async () => [aCampaign()],
    });
    await renderIstio(<IstioUpgradePage />, {
      api,
      routeEntries: ['/istio-upgrade?tab=campaigns'],
    });
    expect(
      await screen.findByRole('table', { name: 'Campaigns' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Campaigns' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('shows the request a link names, as notifications and campaign waves link to it', async () => {
    const api = mockIstioUpgradeApi({
      getRequest: async () => aRequest({ id: 'req-ratings' }),
    });
    await renderIstio(<IstioUpgradePage />, {
      api,
      routeEntries: ['/istio-upgrade?request=req-ratings'],
    });
    expect(
      await screen.findByRole('region', { name: 'Linked request' }),
    ).toBeInTheDocument();
    expect(api.getRequest).toHaveBeenCalledWith('req-ratings');
  });
});

describe('filterFleet', () => {
  const fleet = aFleet();

  it('keeps clusters with a team, a cluster name and a version', () => {
    expect(
      filterFleet(fleet, {
        team: 'shop',
        cluster: '',
        version: '',
      }).clusters.map(c => c.cluster.name),
    ).toEqual(['prod-us']);
    expect(
      filterFleet(fleet, {
        team: '',
        cluster: 'seed',
        version: '',
      }).clusters.map(c => c.cluster.name),
    ).toEqual(['seed']);
    expect(
      filterFleet(fleet, {
        team: '',
        cluster: '',
        version: '1.9.7',
      }).clusters.map(c => c.cluster.name),
    ).toEqual(['seed']);
  });

  it('keeps only the warnings of the clusters kept', () => {
    const { warnings } = filterFleet(fleet, {
      team: '',
      cluster: '',
      version: '1.30.0',
    });
    expect(warnings.map(w => w.cluster)).toEqual(['prod-us']);
  });
});
