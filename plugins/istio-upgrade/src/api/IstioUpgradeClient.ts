import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { IstioUpgradeApiClient } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { IstioUpgradeApi } from './IstioUpgradeApi';

/**
 * {@link IstioUpgradeApi} over HTTP: the common package's client, generated from the backend's OpenAPI
 * spec, given the app's `fetchApi`, which adds the user's Backstage token (no per-call token is passed).
 * Failures are `ResponseError`s carrying the backend's message.
 *
 * @public
 */
export class IstioUpgradeClient
  extends IstioUpgradeApiClient
  implements IstioUpgradeApi
{
  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    super(options);
  }
}
