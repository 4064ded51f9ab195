import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioUpgradeApiRef, RequestDraft } from '../api/IstioUpgradeApi';

/**
 * The dry run of a request: its exact plan and prechecks. Nothing is loaded while `draft` is
 * undefined (a dialog that is closed, or a choice not made yet). Compared by value.
 */
export function useRequestPlan(draft: RequestDraft | undefined) {
  const api = useApi(istioUpgradeApiRef);
  const key = draft === undefined ? undefined : JSON.stringify(draft);
  return useAsyncRetry(
    async () =>
      key === undefined ? undefined : api.planRequest(JSON.parse(key)),
    [api, key],
  );
}
