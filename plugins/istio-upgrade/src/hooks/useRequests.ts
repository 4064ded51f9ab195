import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioUpgradeApiRef, RequestFilter } from '../api/IstioUpgradeApi';
import { useRequestsSignal } from './useRequestsSignal';

/**
 * Requests matching a filter, newest first, reloaded when the backend signals a change. The filter
 * is compared by value, so callers may pass a new object on every render.
 */
export function useRequests(filter: RequestFilter) {
  const api = useApi(istioUpgradeApiRef);
  const key = JSON.stringify(filter);
  const state = useAsyncRetry(
    () => api.listRequests(JSON.parse(key)),
    [api, key],
  );
  useRequestsSignal(state.retry);
  return state;
}
