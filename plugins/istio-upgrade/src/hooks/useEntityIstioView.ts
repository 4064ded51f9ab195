import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';

/** An entity's workloads in every cluster, with their sidecar revisions and migration targets. */
export function useEntityIstioView(entity: CompoundEntityRef) {
  const api = useApi(istioUpgradeApiRef);
  const { kind, namespace, name } = entity;
  return useAsyncRetry(
    () => api.getEntityView({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
}
