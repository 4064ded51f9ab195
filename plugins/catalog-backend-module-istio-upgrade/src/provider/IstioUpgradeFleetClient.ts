import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { FleetSummary } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

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
  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
    },
  ) {}

  async getFleet(): Promise<FleetSummary> {
    const { auth, discovery } = this.options;
    const [baseUrl, { token }] = await Promise.all([
      discovery.getBaseUrl('istio-upgrade'),
      auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'istio-upgrade',
      }),
    ]);
    const response = await fetch(`${baseUrl}/fleet`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as FleetSummary;
  }
}
