import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';

/** The catalog-registered clusters, loaded once per mount. */
export function useClusters() {
  const api = useApi(istioUpgradeApiRef);
  return useAsync(() => api.listClusters(), [api]);
}
