import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  FleetSummary,
  IstioUpgradeApiClient,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * Where the provider reads the fleet from.
 *
 * @public
 */
export interface FleetSource {
  getFleet(): Promise<FleetSummary>;
}

/**
 * Reads `GET /api/istio-upgrade/fleet` with the catalog's own service credentials, so the plugin
 * authorizes the read as for any other caller (the read permission).
 */
export class IstioUpgradeFleetClient implements FleetSource {
  private readonly client: IstioUpgradeApiClient;

  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
    },
  ) {
    this.client = new IstioUpgradeApiClient({
      discoveryApi: options.discovery,
    });
  }

  async getFleet(): Promise<FleetSummary> {
    const { auth } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'istio-upgrade',
    });
    return this.client.getFleet({ token });
  }
}
