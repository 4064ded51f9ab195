import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aCampaign,
  aCampaignCluster,
  aCampaignPlan,
} from '../../__testUtils__/campaignFixtures';
import { aFleet } from '../../__testUtils__/fleetFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { CampaignsTab } from './CampaignsTab';

describe('CampaignsTab', () => {
  it('lists campaigns newest first with target, state, current ring, requester and clusters done', async () => {
    const plan = aCampaignPlan();
    const done = aCampaign({
      id: 'camp-old',
      name: 'Fleet to 1.29',
      state: 'succeeded',
      targetVersion: '1.29.1',
      requestedAt: '2026-11-01T09:00:00.000Z',
      currentRing: 1,
      plan: {
        ...plan,
        rings: plan.rings.map(r => ({
          ...r,
          state: 'succeeded' as const,
          clusters: r.clusters.map(c => ({ ...c, state: 'done' as const })),
        })),
      },
      allowedActions: [],
    });
    const api = mockIstioUpgradeApi({
      listCampaigns: async () => [done, aCampaign()],
    });
    await renderIstio(<CampaignsTab fleet={aFleet()} />, { api });

    const table = await screen.findByRole('table', { name: 'Campaigns' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['Fleet to 1.30', 'Fleet to 1.29']);
    const current = within(rows[0]);
    expect(current.getByText('1.30.0')).toBeInTheDocument();
    expect(current.getByText('Paused')).toBeInTheDocument();
    expect(current.getByText('1: staging')).toBeInTheDocument();
    expect(await current.findByText('Alice (platform)')).toBeInTheDocument();
    expect(
      current.getByRole('progressbar', {
        name: 'Clusters done of Fleet to 1.30: 0 of 2 clusters',
      }),
    ).toBeInTheDocument();
    expect(
      within(rows[1]).getByRole('progressbar', {
        name: 'Clusters done of Fleet to 1.29: 2 of 2 clusters',
      }),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('Succeeded')).toBeInTheDocument();
  });

  it('opens a campaign from the list and goes back', async () => {
    const api = mockIstioUpgradeApi({
      listCampaigns: async () => [aCampaign()],
    });
    await renderIstio(<CampaignsTab />, { api });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Open campaign Fleet to 1.30',
      }),
    );
    expect(
      await screen.findByRole('region', { name: 'Ring staging' }),
    ).toBeInTheDocument();
    expect(api.getCampaign).toHaveBeenCalledWith('camp-1');
    await userEvent.click(
      screen.getByRole('button', { name: 'Back to campaigns' }),
    );
    expect(
      await screen.findByRole('table', { name: 'Campaigns' }),
    ).toBeInTheDocument();
  });

  it('reloads the list while a campaign is active', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const api = mockIstioUpgradeApi({
        listCampaigns: async () => [aCampaign({ state: 'running' })],
      });
      await renderIstio(<CampaignsTab />, { api });
      await screen.findByRole('table', { name: 'Campaigns' });
      const calls = api.listCampaigns.mock.calls.length;
      await act(async () => {
        jest.advanceTimersByTime(5000);
      });
      await waitFor(() =>
        expect(api.listCampaigns.mock.calls.length).toBeGreaterThan(calls),
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not reload a list of finished campaigns', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const api = mockIstioUpgradeApi({
        listCampaigns: async () => [
          aCampaign({ state: 'succeeded', allowedActions: [] }),
        ],
      });
      await renderIstio(<CampaignsTab />, { api });
      await screen.findByRole('table', { name: 'Campaigns' });
      const calls = api.listCampaigns.mock.calls.length;
      await act(async () => {
        jest.advanceTimersByTime(12000);
      });
      expect(api.listCampaigns.mock.calls.length).toBe(calls);
    } finally {
      jest.useRealTimers();
    }
  });

  it('says when there is no campaign, and offers a new one to the platform team', async () => {
    await renderIstio(<CampaignsTab fleet={aFleet()} />);
    expect(await screen.findByText('No campaign yet.')).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'New campaign' }),
    );
    expect(
      screen.getByRole('dialog', { name: 'New campaign' }),
    ).toBeInTheDocument();
  });

  it('shows why the list is unavailable', async () => {
    const api = mockIstioUpgradeApi({
      listCampaigns: async () => {
        throw new Error('backend down');
      },
    });
    await renderIstio(<CampaignsTab />, { api });
    expect(
      await screen.findByText(/The campaigns are unavailable: backend down/),
    ).toBeInTheDocument();
  });

  it('opens the campaign named in the address', async () => {
    const api = mockIstioUpgradeApi({
      getCampaign: async () =>
        aCampaign({
          plan: {
            ...aCampaignPlan(),
            rings: [
              {
                index: 0,
                name: 'staging',
                state: 'running',
                clusters: [aCampaignCluster()],
              },
            ],
          },
        }),
    });
    await renderIstio(<CampaignsTab />, {
      api,
      routeEntries: ['/?tab=campaigns&campaign=camp-1'],
    });
    expect(
      await screen.findByRole('region', { name: 'Campaign cluster seed' }),
    ).toBeInTheDocument();
  });
});
