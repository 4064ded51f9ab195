import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';

/** The versions a new control plane could run on a cluster; nothing is loaded while `cluster` is undefined. */
export function useRevisionCandidates(cluster: string | undefined) {
  const api = useApi(istioUpgradeApiRef);
  return useAsyncRetry(
    async () =>
      cluster === undefined ? undefined : api.getRevisionCandidates(cluster),
    [api, cluster],
  );
}
