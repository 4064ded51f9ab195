import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Cluster,
  paths,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { IstioUpgradeApi } from './IstioUpgradeApi';

type JsonResponse<
  P extends keyof paths,
  M extends keyof paths[P],
> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer R } } };
}
  ? R
  : never;

/**
 * {@link IstioUpgradeApi} over HTTP, typed from the backend's OpenAPI spec. Uses the app's `fetchApi`, so
 * the user's Backstage token goes along; failures become `ResponseError`s with the backend's message.
 *
 * @public
 */
export class IstioUpgradeClient implements IstioUpgradeApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listClusters(): Promise<Cluster[]> {
    const body = await this.get<'/clusters'>('/clusters');
    return body.items;
  }

  private async get<P extends keyof paths>(
    path: string,
  ): Promise<JsonResponse<P, 'get' & keyof paths[P]>> {
    const baseUrl = await this.discoveryApi.getBaseUrl('istio-upgrade');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
