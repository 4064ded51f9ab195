import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';

/** The fleet summary: every cluster's revisions and versions, and the fleet's warnings. */
export function useFleet() {
  const api = useApi(istioUpgradeApiRef);
  return useAsyncRetry(() => api.getFleet(), [api]);
}
