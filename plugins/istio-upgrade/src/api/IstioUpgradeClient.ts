import { IstioUpgradeApiClient } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { IstioUpgradeApi } from './IstioUpgradeApi';

/**
 * {@link IstioUpgradeApi} over HTTP: the common package's client, generated from the backend's OpenAPI
 * spec. Give it the app's `discoveryApi` and `fetchApi`; the `fetchApi` adds the user's Backstage token,
 * so no per-call token is passed. Failures are `ResponseError`s carrying the backend's message.
 *
 * @public
 */
export class IstioUpgradeClient
  extends IstioUpgradeApiClient
  implements IstioUpgradeApi {}
