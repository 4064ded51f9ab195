import { screen } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { aCampaign } from '../../__testUtils__/campaignFixtures';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { CampaignsTab } from './CampaignsTab';

// Permission answers are cached per app by usePermission (SWR), so the denied case has its own file.
describe('CampaignsTab without istio-upgrade.campaign.manage', () => {
  it('lists campaigns but offers no new one, and says why', async () => {
    const api = mockIstioUpgradeApi({
      listCampaigns: async () => [aCampaign()],
    });
    await renderIstio(<CampaignsTab />, {
      api,
      authorize: AuthorizeResult.DENY,
    });
    expect(
      await screen.findByRole('table', { name: 'Campaigns' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /takes the istio-upgrade.campaign.manage permission/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'New campaign' }),
    ).not.toBeInTheDocument();
  });
});
