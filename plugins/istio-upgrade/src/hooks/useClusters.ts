import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';

/** The catalog-registered clusters with their connection and sync state. */
export function useClusters() {
  const api = useApi(istioUpgradeApiRef);
  return useAsyncRetry(() => api.listClusters(), [api]);
}
