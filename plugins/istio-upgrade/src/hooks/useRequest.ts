import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { UpgradeRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { isActiveRequest } from '../requests/requestStates';
import { useRequestsSignal } from './useRequestsSignal';

/** How often an active request is reloaded. */
export const REQUEST_POLL_INTERVAL_MS = 2000;

/**
 * One request with its steps, events and progress, kept current without a reload: polled every two
 * seconds while it is active and reloaded at once when the backend signals a change. `initial` (the
 * answer of the call that created or changed it) is shown until the first load answers.
 */
export function useRequest(id: string, initial?: UpgradeRequest) {
  const api = useApi(istioUpgradeApiRef);
  const state = useAsyncRetry(() => api.getRequest(id), [api, id]);
  const [latest, setLatest] = useState<UpgradeRequest | undefined>(
    initial?.id === id ? initial : undefined,
  );
  useEffect(() => {
    if (state.value) setLatest(state.value);
  }, [state.value]);
  const request = latest?.id === id ? latest : undefined;
  const active = request === undefined || isActiveRequest(request);
  // A failed reload keeps polling: the backend may be restarting, and the request resumes there.
  useInterval(
    () => {
      if (!state.loading) state.retry();
    },
    active ? REQUEST_POLL_INTERVAL_MS : null,
  );
  useRequestsSignal(state.retry, id);
  return {
    request,
    loading: state.loading && request === undefined,
    error: state.error,
    reload: state.retry,
    /** Replaces the shown request with the answer of a decision, before the next reload. */
    update: setLatest,
  };
}
