import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';

/** One cluster's Istio inventory as last synced. */
export function useClusterInventory(cluster: string | undefined) {
  const api = useApi(istioUpgradeApiRef);
  return useAsyncRetry(
    async () =>
      cluster === undefined ? undefined : api.getClusterInventory(cluster),
    [api, cluster],
  );
}
