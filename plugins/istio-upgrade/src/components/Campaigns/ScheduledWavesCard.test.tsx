import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aScheduledNamespace } from '../../__testUtils__/campaignFixtures';
import { productpage } from '../../__testUtils__/catalogFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { ScheduledWavesCard, deferChoices } from './ScheduledWavesCard';

describe('ScheduledWavesCard', () => {
  it('is hidden when no campaign holds the service', async () => {
    const api = mockIstioUpgradeApi();
    await renderIstio(<ScheduledWavesCard />, { api, entity: productpage });
    expect(api.getEntityCampaignWaves).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'productpage',
    });
    expect(
      screen.queryByRole('region', { name: 'Scheduled upgrade waves' }),
    ).not.toBeInTheDocument();
  });

  it("shows each namespace's campaign, cluster, ring, wave, state and who was told or deferred", async () => {
    const api = mockIstioUpgradeApi({
      getEntityCampaignWaves: async () => [
        aScheduledNamespace(),
        aScheduledNamespace({
          cluster: 'prod-us',
          ring: 'prod',
          wave: 0,
          notifiedAt: undefined,
          deferredUntil: '2026-12-09T09:00:00.000Z',
          deferredBy: 'user:default/carol',
          canDefer: false,
        }),
      ],
    });
    await renderIstio(<ScheduledWavesCard />, { api, entity: productpage });
    const seed = await screen.findByTestId('scheduled-seed-bookinfo');
    expect(
      within(seed)
        .getAllByRole('cell')
        .slice(0, 6)
        .map(c => c.textContent),
    ).toEqual(['bookinfo', 'Fleet to 1.30', 'seed', 'staging', '1', 'Pending']);
    expect(within(seed).getByText(/^Told /)).toBeInTheDocument();
    const prod = screen.getByTestId('scheduled-prod-us-bookinfo');
    expect(prod).toHaveTextContent('Not told yet; deferred until');
    expect(
      await within(prod).findByText('Carol (bookinfo)'),
    ).toBeInTheDocument();
    expect(
      within(prod).getByRole('button', { name: 'Defer bookinfo on prod-us' }),
    ).toBeDisabled();
    expect(
      within(seed).getByRole('button', { name: 'Defer bookinfo on seed' }),
    ).toBeEnabled();
  });

  it("defers a namespace by a chosen time, up to the campaign's limit, as the entity", async () => {
    const api = mockIstioUpgradeApi({
      getEntityCampaignWaves: async () => [aScheduledNamespace()],
    });
    await renderIstio(<ScheduledWavesCard />, { api, entity: productpage });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Defer bookinfo on seed' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Defer bookinfo on seed',
    });
    await userEvent.click(within(dialog).getByLabelText('Defer by'));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      '1 h',
      '2 h',
      '4 h',
      '8 h',
      '12 h',
      '1 d',
      '2 d (the most allowed)',
    ]);
    await userEvent.click(screen.getByRole('option', { name: '8 h' }));
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Defer' }),
    );
    expect(api.changeNamespaceSchedule).toHaveBeenCalledWith(
      'camp-1',
      'defer',
      {
        cluster: 'seed',
        namespace: 'bookinfo',
        entityRef: 'component:default/productpage',
        seconds: 8 * 3600,
      },
    );
    expect(api.getEntityCampaignWaves).toHaveBeenCalledTimes(2);
  });

  it('opts a namespace in to an earlier wave', async () => {
    const api = mockIstioUpgradeApi({
      getEntityCampaignWaves: async () => [aScheduledNamespace()],
    });
    await renderIstio(<ScheduledWavesCard />, { api, entity: productpage });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Opt bookinfo on seed in to an earlier wave',
      }),
    );
    expect(api.changeNamespaceSchedule).toHaveBeenCalledWith(
      'camp-1',
      'opt-in',
      {
        cluster: 'seed',
        namespace: 'bookinfo',
        entityRef: 'component:default/productpage',
      },
    );
  });

  it('offers no opt-in the backend does not allow', async () => {
    const api = mockIstioUpgradeApi({
      getEntityCampaignWaves: async () => [
        aScheduledNamespace({ canOptIn: false }),
      ],
    });
    await renderIstio(<ScheduledWavesCard />, { api, entity: productpage });
    expect(
      await screen.findByRole('button', {
        name: 'Opt bookinfo on seed in to an earlier wave',
      }),
    ).toBeDisabled();
  });
});

describe('deferChoices', () => {
  it('offers whole hours below the limit, then the limit itself', () => {
    expect(deferChoices(5 * 3600)).toEqual([3600, 7200, 4 * 3600, 5 * 3600]);
    expect(deferChoices(120)).toEqual([120]);
    expect(deferChoices(0)).toEqual([]);
  });
});
