import { createApiRef } from '@backstage/core-plugin-api';
import { Cluster } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * The istio-upgrade backend's REST API, as the frontend uses it.
 *
 * @public
 */
export interface IstioUpgradeApi {
  /** The catalog-registered clusters with their connection and sync state. */
  listClusters(): Promise<Cluster[]>;
}

/**
 * The {@link IstioUpgradeApi} reference.
 *
 * @public
 */
export const istioUpgradeApiRef = createApiRef<IstioUpgradeApi>({
  id: 'plugin.istio-upgrade.api',
});
