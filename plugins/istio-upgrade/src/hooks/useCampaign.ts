import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { Campaign } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { isActiveCampaign } from '../components/Campaigns/campaignStates';
import { CAMPAIGN_POLL_INTERVAL_MS } from './useCampaigns';

/**
 * One campaign with its progress, gate results and event log, polled while it can still change. A
 * decision's answer replaces it at once (`update`), before the next reload.
 */
export function useCampaign(id: string) {
  const api = useApi(istioUpgradeApiRef);
  const state = useAsyncRetry(() => api.getCampaign(id), [api, id]);
  const [latest, setLatest] = useState<Campaign>();
  useEffect(() => {
    if (state.value) setLatest(state.value);
  }, [state.value]);
  const campaign = latest?.id === id ? latest : undefined;
  // A failed reload keeps polling: the backend may be restarting, and the campaign resumes there.
  useInterval(
    () => {
      if (!state.loading) state.retry();
    },
    campaign === undefined || isActiveCampaign(campaign)
      ? CAMPAIGN_POLL_INTERVAL_MS
      : null,
  );
  return {
    campaign,
    loading: state.loading && campaign === undefined,
    error: state.error,
    reload: state.retry,
    update: setLatest,
  };
}
