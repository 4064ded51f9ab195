import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aCampaign } from '../../__testUtils__/campaignFixtures';
import {
  backendError,
  mockIstioUpgradeApi,
} from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { CampaignDetail } from './CampaignDetail';

describe('CampaignDetail', () => {
  it('shows why a failed gate paused the campaign, with the figures before and after, per wave and in charts', async () => {
    await renderIstio(<CampaignDetail id="camp-1" onClose={jest.fn()} />);
    expect(
      (await screen.findByText('Paused:')).parentElement,
    ).toHaveTextContent(
      'Paused: namespace ratings: 5xx ratio rose from 0.10 % to 12.40 % (+12.3 points, limit 0.5)',
    );

    const seed = screen.getByRole('region', { name: 'Campaign cluster seed' });
    expect(within(seed).getByText('seed: Paused')).toBeInTheDocument();
    expect(
      within(seed).getByRole('progressbar', {
        name: 'Waves done on seed: 1 of 3 waves',
      }),
    ).toBeInTheDocument();
    expect(
      within(seed).getByRole('progressbar', {
        name: 'Pods on target on seed: 4 of 7 pods',
      }),
    ).toBeInTheDocument();

    const gate = within(seed).getByRole('region', {
      name: 'Health gate of wave 2 on seed',
    });
    expect(within(gate).getByText('Gate failed')).toBeInTheDocument();
    const figures = within(gate).getByRole('table', {
      name: 'Gate figures of wave 2 on seed',
    });
    const row = within(figures).getAllByRole('row')[1];
    expect(
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'namespace ratings',
      '0.10 %',
      '12.40 %',
      '40 ms',
      '95 ms',
      '900 / 880',
      'Gate failed: 5xx ratio +12.3 points (limit 0.5)',
    ]);

    expect(
      within(seed).getByRole('img', {
        name: '5xx ratio per wave on seed: Wave 1 before 0.10 %, after 0.11 %; Wave 2 before 0.10 %, after 12.40 %',
      }),
    ).toBeInTheDocument();
    expect(
      within(seed).getByRole('img', {
        name: 'p99 per wave on seed: Wave 1 before 50 ms, after 52 ms; Wave 2 before 40 ms, after 95 ms',
      }),
    ).toBeInTheDocument();
  });

  it("links each wave's requests to the request view and lists what every wave moves", async () => {
    await renderIstio(<CampaignDetail id="camp-1" onClose={jest.fn()} />, {
      routeEntries: ['/istio-upgrade?tab=campaigns&campaign=camp-1'],
    });
    const seed = await screen.findByRole('region', {
      name: 'Campaign cluster seed',
    });
    const wave2 = within(seed).getByRole('listitem', { name: 'Wave 2' });
    expect(
      within(wave2).getByRole('link', { name: 'Request req-ratings' }),
    ).toHaveAttribute(
      'href',
      '/istio-upgrade?tab=campaigns&campaign=camp-1&request=req-ratings',
    );
    expect(within(wave2).getByText(/Rolled back/)).toBeInTheDocument();
    expect(
      within(seed).getByRole('listitem', { name: 'Wave 3' }),
    ).toHaveTextContent(
      'Gateway cutover of Service istio-ingress/ingressgateway: Cut Service istio-ingress/ingressgateway over to 1-30-0',
    );
    expect(
      screen.getByRole('region', { name: 'Campaign cluster prod-us' }),
    ).toHaveTextContent('prod-us: Pending');
  });

  it('resumes a paused campaign, then pauses it again', async () => {
    const api = mockIstioUpgradeApi();
    await renderIstio(<CampaignDetail id="camp-1" onClose={jest.fn()} />, {
      api,
    });
    expect(
      screen.queryByRole('button', { name: 'Pause' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume' }),
    );
    expect(api.decideCampaign).toHaveBeenCalledWith('camp-1', 'resume', {});
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    expect(api.decideCampaign).toHaveBeenCalledWith('camp-1', 'pause', {});
    expect(
      await screen.findByRole('button', { name: 'Resume' }),
    ).toBeInTheDocument();
  });

  it('approves a campaign that waits for approval', async () => {
    const api = mockIstioUpgradeApi({
      getCampaign: async () =>
        aCampaign({
          state: 'pending-approval',
          allowedActions: ['approve', 'reject'],
        }),
    });
    await renderIstio(<CampaignDetail id="camp-1" onClose={jest.fn()} />, {
      api,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    expect(api.decideCampaign).toHaveBeenCalledWith('camp-1', 'approve', {});
  });

  it('aborts only after a confirmation, with the comment given', async () => {
    const api = mockIstioUpgradeApi();
    await renderIstio(<CampaignDetail id="camp-1" onClose={jest.fn()} />, {
      api,
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Abort' }));
    const dialog = screen.getByRole('dialog', {
      name: 'Abort campaign Fleet to 1.30?',
    });
    expect(api.decideCampaign).not.toHaveBeenCalled();
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Comment' }),
      'ratings is broken',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Abort campaign' }),
    );
    expect(api.decideCampaign).toHaveBeenCalledWith('camp-1', 'abort', {
      comment: 'ratings is broken',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('skips a cluster after a confirmation', async () => {
    const api = mockIstioUpgradeApi();
    await renderIstio(<CampaignDetail id="camp-1" onClose={jest.fn()} />, {
      api,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Skip cluster seed' }),
    );
    await userEvent.click(
      within(
        screen.getByRole('dialog', { name: 'Skip cluster seed?' }),
      ).getByRole('button', { name: 'Skip cluster' }),
    );
    expect(api.skipCampaignCluster).toHaveBeenCalledWith('camp-1', 'seed', {});
  });

  it("shows the backend's reason when a decision is refused", async () => {
    const api = mockIstioUpgradeApi({
      decideCampaign: async () => {
        throw await backendError({
          status: 403,
          name: 'NotAllowedError',
          message: 'You may not resume campaigns',
        });
      },
    });
    await renderIstio(<CampaignDetail id="camp-1" onClose={jest.fn()} />, {
      api,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume' }),
    );
    expect(
      await screen.findByText('You may not resume campaigns'),
    ).toBeInTheDocument();
  });

  it('lists the events newest first', async () => {
    await renderIstio(<CampaignDetail id="camp-1" onClose={jest.fn()} />);
    const events = await screen.findByRole('region', {
      name: 'Campaign events',
    });
    const items = within(events).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(
      '[gate] seed: The gate of wave 2 on seed failed; the wave rolled back',
    );
    expect(items[1]).toHaveTextContent(
      '[created] Alice asked for the campaign',
    );
  });
});
