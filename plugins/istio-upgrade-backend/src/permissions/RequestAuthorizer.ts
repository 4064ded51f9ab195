import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  istioGatewayCutoverPermission,
  istioNamespaceMigratePermission,
  istioRequestApprovePermission,
  istioRevisionTagMovePermission,
  RequestType,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** Who is acting, as the requests engine sees it. */
export interface Actor {
  /** `user:default/carol`, or a service subject such as `plugin:scaffolder` or `external:mcp`. */
  ref: string;
  isUser: boolean;
  /** A service that config names as trusted (`istioUpgrade.requests.trustedServices`). */
  trusted: boolean;
  credentials: BackstageCredentials;
}

/** The decisions on a request. */
export type DecisionAction = 'approve' | 'reject' | 'cancel' | 'rollback';

/**
 * Authorizes every request action: the permission framework first (permissions from the common
 * package; the migrate permission is checked against the entity, so a policy can allow its owners
 * only), then the plugin's own floor for destructive actions — a user principal unless config trusts
 * the service, closed when the permission framework is off, and nobody approves their own request.
 */
export class RequestAuthorizer {
  constructor(
    private readonly options: {
      permissions: PermissionsService;
      userInfo: UserInfoService;
      permissionFrameworkEnabled: boolean;
      trustedServices: string[];
    },
  ) {}

  actor(credentials: BackstageCredentials): Actor {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    if (principal.type === 'user') {
      return {
        ref: principal.userEntityRef!,
        isUser: true,
        trusted: false,
        credentials,
      };
    }
    if (principal.type === 'service') {
      const ref = principal.subject ?? 'service:unknown';
      return {
        ref,
        isUser: false,
        trusted: this.options.trustedServices.includes(ref),
        credentials,
      };
    }
    throw new NotAllowedError('Requests need an authenticated user or service');
  }

  /** The ownership refs of a user (the user and their groups); none for services. */
  async ownership(actor: Actor): Promise<string[]> {
    if (!actor.isUser) return [];
    return (await this.options.userInfo.getUserInfo(actor.credentials))
      .ownershipEntityRefs;
  }

  private failClosed(what: string) {
    if (!this.options.permissionFrameworkEnabled) {
      throw new NotAllowedError(
        `${what} is refused: the permission framework is disabled (permission.enabled), and istio-upgrade fails closed for changes`,
      );
    }
  }

  private async allowed(
    actor: Actor,
    permission: BasicPermission | ResourcePermission<'catalog-entity'>,
    resourceRef?: string,
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorize(
      [
        permission.type === 'resource'
          ? {
              permission: permission as ResourcePermission<'catalog-entity'>,
              resourceRef: resourceRef!,
            }
          : { permission: permission as BasicPermission },
      ] as any,
      { credentials: actor.credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Why `actor` may not ask for a change of `type` (for `entityRef`), or undefined when they may. */
  async whyNotCreate(
    actor: Actor,
    type: RequestType,
    entityRef: string | undefined,
  ): Promise<string | undefined> {
    if (!this.options.permissionFrameworkEnabled) {
      return 'the permission framework is disabled, and istio-upgrade fails closed for changes';
    }
    if (type === 'namespace-migration') {
      if (!entityRef)
        return 'a namespace migration is asked for a catalog entity (entityRef)';
      return (await this.allowed(
        actor,
        istioNamespaceMigratePermission,
        entityRef,
      ))
        ? undefined
        : `you may not migrate namespaces of ${entityRef}`;
    }
    if (!actor.isUser && !actor.trusted) {
      return `a ${type} must be asked by a person; service ${actor.ref} is not trusted for it (istioUpgrade.requests.trustedServices)`;
    }
    const permission =
      type === 'gateway-cutover'
        ? istioGatewayCutoverPermission
        : istioRevisionTagMovePermission;
    return (await this.allowed(actor, permission))
      ? undefined
      : `you may not ${
          type === 'gateway-cutover'
            ? 'cut gateways over'
            : 'move revision tags'
        }`;
  }

  /** @throws NotAllowedError unless `actor` may ask for the change */
  async authorizeCreate(
    actor: Actor,
    type: RequestType,
    entityRef: string | undefined,
  ): Promise<void> {
    this.failClosed(`A ${type}`);
    if (type === 'namespace-migration' && !entityRef) {
      throw new InputError(
        'A namespace migration is asked for a catalog entity: entityRef is required',
      );
    }
    const reason = await this.whyNotCreate(actor, type, entityRef);
    if (reason) throw new NotAllowedError(`Not allowed: ${reason}`);
  }

  /**
   * Why `actor` may not take `action` on a request, or undefined when they may. The request's state is
   * not considered here.
   */
  async whyNot(
    actor: Actor,
    action: DecisionAction,
    request: { type: RequestType; entityRef?: string; requestedBy: string },
  ): Promise<string | undefined> {
    if (!this.options.permissionFrameworkEnabled) {
      return 'the permission framework is disabled, and istio-upgrade fails closed for changes';
    }
    if (action === 'rollback') {
      return this.whyNotCreate(actor, request.type, request.entityRef);
    }
    if (action === 'cancel') {
      if (actor.ref === request.requestedBy) return undefined;
      return (await this.allowed(actor, istioRequestApprovePermission))
        ? undefined
        : 'only the requester or an approver may cancel it';
    }
    if (!actor.isUser && !actor.trusted) {
      return `decisions are taken by people; service ${actor.ref} is not trusted for them`;
    }
    if (actor.ref === request.requestedBy) {
      return 'nobody approves or rejects their own request';
    }
    return (await this.allowed(actor, istioRequestApprovePermission))
      ? undefined
      : 'you do not hold the approve permission';
  }

  /** @throws NotAllowedError unless `actor` may take `action` on the request */
  async authorize(
    actor: Actor,
    action: DecisionAction,
    request: { type: RequestType; entityRef?: string; requestedBy: string },
  ): Promise<void> {
    this.failClosed(`To ${action} a request`);
    const reason = await this.whyNot(actor, action, request);
    if (reason) throw new NotAllowedError(`Not allowed: ${reason}`);
  }
}
