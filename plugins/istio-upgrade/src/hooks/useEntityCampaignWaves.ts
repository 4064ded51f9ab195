import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';

/** The campaign waves that hold an entity's namespaces, with what its owners may do. */
export function useEntityCampaignWaves(entity: CompoundEntityRef) {
  const api = useApi(istioUpgradeApiRef);
  const { kind, namespace, name } = entity;
  return useAsyncRetry(
    () => api.getEntityCampaignWaves({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
}
