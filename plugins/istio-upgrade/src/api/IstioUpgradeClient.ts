import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Cluster,
  ClusterInventory,
  Decision,
  EntityIstioView,
  FleetSummary,
  operations,
  RequestPlan,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  IstioUpgradeApi,
  PrecheckQuery,
  RequestDraft,
  RequestFilter,
} from './IstioUpgradeApi';

/** The JSON body an operation answers with the given status. */
type ResponseBody<
  O extends keyof operations,
  S extends keyof operations[O]['responses'],
> = operations[O]['responses'][S] extends {
  content: { 'application/json': infer R };
}
  ? R
  : never;

type Query = Record<string, string | number | boolean | undefined>;

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
    const body = await this.call<'ListClusters', 200>('GET', '/clusters');
    return body.items;
  }

  async getClusterInventory(cluster: string): Promise<ClusterInventory> {
    return this.call<'GetClusterInventory', 200>(
      'GET',
      `/clusters/${encodeURIComponent(cluster)}/inventory`,
    );
  }

  async getFleet(): Promise<FleetSummary> {
    return this.call<'GetFleet', 200>('GET', '/fleet');
  }

  async getEntityView(entity: {
    kind: string;
    namespace: string;
    name: string;
  }): Promise<EntityIstioView> {
    const path = [entity.kind, entity.namespace, entity.name]
      .map(encodeURIComponent)
      .join('/');
    return this.call<'GetEntityView', 200>('GET', `/entities/${path}`);
  }

  async getPrechecks(
    cluster: string,
    query: PrecheckQuery,
  ): Promise<RequestPlan> {
    return this.call<'GetPrechecks', 200>(
      'GET',
      `/clusters/${encodeURIComponent(cluster)}/prechecks`,
      { query },
    );
  }

  async planRequest(draft: RequestDraft): Promise<RequestPlan> {
    return this.call<'CreateRequest', 200>('POST', '/requests', {
      body: { ...draft, dryRun: true },
    });
  }

  async createRequest(draft: RequestDraft): Promise<UpgradeRequest> {
    return this.call<'CreateRequest', 202>('POST', '/requests', {
      body: { ...draft, dryRun: false },
    });
  }

  async listRequests(filter: RequestFilter = {}): Promise<UpgradeRequest[]> {
    const { state, limit, ...rest } = filter;
    const body = await this.call<'ListRequests', 200>('GET', '/requests', {
      query: {
        ...rest,
        state: Array.isArray(state) ? state.join(',') : state,
        limit: limit === undefined ? undefined : String(limit),
      },
    });
    return body.items;
  }

  async getRequest(id: string): Promise<UpgradeRequest> {
    return this.call<'GetRequest', 200>(
      'GET',
      `/requests/${encodeURIComponent(id)}`,
    );
  }

  async approveRequest(
    id: string,
    decision: Decision = {},
  ): Promise<UpgradeRequest> {
    return this.call<'ApproveRequest', 200>(
      'POST',
      `/requests/${encodeURIComponent(id)}/approve`,
      { body: decision },
    );
  }

  async rejectRequest(
    id: string,
    decision: Decision = {},
  ): Promise<UpgradeRequest> {
    return this.call<'RejectRequest', 200>(
      'POST',
      `/requests/${encodeURIComponent(id)}/reject`,
      { body: decision },
    );
  }

  async cancelRequest(
    id: string,
    decision: Decision = {},
  ): Promise<UpgradeRequest> {
    return this.call<'CancelRequest', 200>(
      'POST',
      `/requests/${encodeURIComponent(id)}/cancel`,
      { body: decision },
    );
  }

  async rollbackRequest(
    id: string,
    decision: Decision = {},
  ): Promise<UpgradeRequest> {
    return this.call<'RollbackRequest', 202>(
      'POST',
      `/requests/${encodeURIComponent(id)}/rollback`,
      { body: decision },
    );
  }

  private async call<
    O extends keyof operations,
    S extends keyof operations[O]['responses'],
  >(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<ResponseBody<O, S>> {
    const baseUrl = await this.discoveryApi.getBaseUrl('istio-upgrade');
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) {
        search.set(key, String(value));
      }
    }
    const queryString = search.toString();
    const url = `${baseUrl}${path}${queryString ? `?${queryString}` : ''}`;
    const response = await this.fetchApi.fetch(url, {
      method,
      ...(options.body !== undefined && {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(options.body),
      }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
