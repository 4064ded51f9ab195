import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import {
  CreateRequest,
  EntityIstioView,
  RequestPlan,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

const KNOWN_ERRORS = {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
};

/**
 * The plugin's own error (a 403's reason, a 409's conflict) rather than the status line, since the
 * task log shows only the message.
 */
async function errorOf(response: Response): Promise<Error> {
  const error = await ResponseError.fromResponse(response);
  const Known = KNOWN_ERRORS[error.cause.name as keyof typeof KNOWN_ERRORS];
  return Known ? new Known(error.cause.message) : error;
}

/**
 * The istio-upgrade REST API as the template action calls it: every call carries a token issued on
 * behalf of the given credentials (the template's initiator), so the plugin authorizes, applies its
 * floor and audits exactly as for a call from the portal.
 */
export class IstioUpgradeClient {
  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
    },
  ) {}

  private async call<T>(
    credentials: BackstageCredentials,
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<T> {
    const { auth, discovery } = this.options;
    const [baseUrl, { token }] = await Promise.all([
      discovery.getBaseUrl('istio-upgrade'),
      auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'istio-upgrade',
      }),
    ]);
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init.body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    if (!response.ok) {
      throw await errorOf(response);
    }
    return (await response.json()) as T;
  }

  /** `GET /entities/{kind}/{namespace}/{name}`: the entity's workloads across clusters. */
  getEntityView(
    credentials: BackstageCredentials,
    entity: CompoundEntityRef,
  ): Promise<EntityIstioView> {
    const path = [entity.kind, entity.namespace, entity.name]
      .map(encodeURIComponent)
      .join('/');
    return this.call(credentials, `/entities/${path}`);
  }

  /** `POST /requests` with `dryRun`: the plan and prechecks. */
  plan(
    credentials: BackstageCredentials,
    body: CreateRequest,
  ): Promise<RequestPlan> {
    return this.call(credentials, '/requests', {
      method: 'POST',
      body: { ...body, dryRun: true },
    });
  }

  /** `POST /requests`: stores the request (after its prechecks pass). */
  create(
    credentials: BackstageCredentials,
    body: CreateRequest,
  ): Promise<UpgradeRequest> {
    return this.call(credentials, '/requests', { method: 'POST', body });
  }

  /** `GET /requests/{id}`: the request with its steps and events. */
  get(credentials: BackstageCredentials, id: string): Promise<UpgradeRequest> {
    return this.call(credentials, `/requests/${encodeURIComponent(id)}`);
  }
}
