import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { isActiveCampaign } from '../components/Campaigns/campaignStates';

/** How often campaigns are reloaded while one of them is active. */
export const CAMPAIGN_POLL_INTERVAL_MS = 5000;

/** Fleet upgrade campaigns, newest first, reloaded every few seconds while any is active. */
export function useCampaigns() {
  const api = useApi(istioUpgradeApiRef);
  const state = useAsyncRetry(() => api.listCampaigns(), [api]);
  const active = (state.value ?? []).some(isActiveCampaign);
  useInterval(
    () => {
      if (!state.loading) state.retry();
    },
    active ? CAMPAIGN_POLL_INTERVAL_MS : null,
  );
  return state;
}
