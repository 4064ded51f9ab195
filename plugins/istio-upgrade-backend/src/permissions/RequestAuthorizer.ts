import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  istioCampaignManagePermission,
  istioControlPlaneManagePermission,
  istioGatewayCutoverPermission,
  istioNamespaceMigrateAnyPermission,
  istioNamespaceMigratePermission,
  istioRequestApprovePermission,
  istioRevisionTagMovePermission,
  RequestType,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { authorizeInventoryRead } from './authorizeInventoryRead';

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

/** What the decisions on a request depend on. */
export interface DecidedRequest {
  type: RequestType;
  entityRef?: string;
  requestedBy: string;
  /** Owners of other workloads a namespace migration restarts: they may approve it too. */
  plan?: { sharedWith?: { owners: string[] } };
}

/** One question to the permission framework. */
interface Question {
  permission: BasicPermission | ResourcePermission<'catalog-entity'>;
  resourceRef?: string;
}

const keyOf = (q: Question) =>
  `${q.permission.name}\u0000${q.resourceRef ?? ''}`;

/**
 * Authorizes every request action: the permission framework first (permissions from the common
 * package; the migrate permission is checked against the entity, so a policy can allow its owners
 * only), then the plugin's own floor for destructive actions — a user principal unless config trusts
 * the service, closed when the permission framework is off, and nobody approves their own request.
 */
export class RequestAuthorizer {
  constructor(
    private readonly options: {
      auth: AuthService;
      permissions: PermissionsService;
      userInfo: UserInfoService;
      permissionFrameworkEnabled: boolean;
      trustedServices: string[];
    },
  ) {}

  /**
   * The caller, as the requests engine sees them.
   *
   * @throws NotAllowedError for a caller who is neither a user nor a service
   */
  actor(credentials: BackstageCredentials): Actor {
    const { auth } = this.options;
    if (auth.isPrincipal(credentials, 'user')) {
      return {
        ref: credentials.principal.userEntityRef,
        isUser: true,
        trusted: false,
        credentials,
      };
    }
    if (auth.isPrincipal(credentials, 'service')) {
      const ref = credentials.principal.subject;
      return {
        ref,
        isUser: false,
        trusted: this.options.trustedServices.includes(ref),
        credentials,
      };
    }
    throw new NotAllowedError('Requests need an authenticated user or service');
  }

  /**
   * Every read of requests, as of the inventory, needs the inventory read permission.
   *
   * @throws NotAllowedError when `actor` may not read the inventory
   */
  async authorizeRead(actor: Actor): Promise<void> {
    await authorizeInventoryRead(this.options.permissions, actor.credentials);
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

  /**
   * Asks the permission framework every distinct question at once, in one call, and answers each from
   * the decisions.
   */
  private async decisions(
    actor: Actor,
    questions: Question[],
  ): Promise<(question: Question) => boolean> {
    const distinct = [...new Map(questions.map(q => [keyOf(q), q])).values()];
    const answers = new Map<string, boolean>();
    if (distinct.length > 0) {
      const decisions = await this.options.permissions.authorize(
        distinct.map(q =>
          q.permission.type === 'resource'
            ? {
                permission:
                  q.permission as ResourcePermission<'catalog-entity'>,
                resourceRef: q.resourceRef!,
              }
            : { permission: q.permission as BasicPermission },
        ) as Parameters<PermissionsService['authorize']>[0],
        { credentials: actor.credentials },
      );
      distinct.forEach((q, i) =>
        answers.set(keyOf(q), decisions[i].result === AuthorizeResult.ALLOW),
      );
    }
    return question => answers.get(keyOf(question)) ?? false;
  }

  /** The questions {@link RequestAuthorizer.createReason} needs answered. */
  private createQuestions(
    actor: Actor,
    type: RequestType,
    entityRef: string | undefined,
  ): Question[] {
    if (type === 'namespace-migration' && entityRef) {
      return [
        { permission: istioNamespaceMigratePermission, resourceRef: entityRef },
      ];
    }
    if (!actor.isUser && !actor.trusted) return [];
    if (type === 'namespace-migration') {
      return [{ permission: istioNamespaceMigrateAnyPermission }];
    }
    if (type === 'control-plane-install' || type === 'control-plane-removal') {
      return [{ permission: istioControlPlaneManagePermission }];
    }
    return [
      {
        permission:
          type === 'gateway-cutover' || type === 'gateway-move'
            ? istioGatewayCutoverPermission
            : istioRevisionTagMovePermission,
      },
    ];
  }

  private createReason(
    actor: Actor,
    type: RequestType,
    entityRef: string | undefined,
    allowed: (question: Question) => boolean,
  ): string | undefined {
    if (!this.options.permissionFrameworkEnabled) {
      return 'the permission framework is disabled, and istio-upgrade fails closed for changes';
    }
    if (type === 'namespace-migration' && entityRef) {
      return allowed({
        permission: istioNamespaceMigratePermission,
        resourceRef: entityRef,
      })
        ? undefined
        : `you may not migrate namespaces of ${entityRef}`;
    }
    if (!actor.isUser && !actor.trusted) {
      return `a ${type} must be asked by a person; service ${actor.ref} is not trusted for it (istioUpgrade.requests.trustedServices)`;
    }
    const what: Record<RequestType, string> = {
      'namespace-migration':
        'migrate a namespace without a catalog entity (the platform team may)',
      'gateway-cutover': 'cut gateways over',
      'revision-tag-move': 'move revision tags',
      'gateway-move': 'move gateways',
      'control-plane-install': 'install control planes',
      'control-plane-removal': 'remove control planes',
    };
    return allowed(this.createQuestions(actor, type, entityRef)[0])
      ? undefined
      : `you may not ${what[type]}`;
  }

  /** Why `actor` may not ask for a change of `type` (for `entityRef`), or undefined when they may. */
  async whyNotCreate(
    actor: Actor,
    type: RequestType,
    entityRef: string | undefined,
  ): Promise<string | undefined> {
    const allowed = this.options.permissionFrameworkEnabled
      ? await this.decisions(
          actor,
          this.createQuestions(actor, type, entityRef),
        )
      : () => false;
    return this.createReason(actor, type, entityRef, allowed);
  }

  /** @throws NotAllowedError unless `actor` may ask for the change */
  async authorizeCreate(
    actor: Actor,
    type: RequestType,
    entityRef: string | undefined,
  ): Promise<void> {
    this.failClosed(`A ${type}`);
    const reason = await this.whyNotCreate(actor, type, entityRef);
    if (reason) throw new NotAllowedError(`Not allowed: ${reason}`);
  }

  private decisionQuestions(
    actor: Actor,
    action: DecisionAction,
    request: DecidedRequest,
  ): Question[] {
    if (action === 'rollback') {
      return this.createQuestions(actor, request.type, request.entityRef);
    }
    if (action === 'cancel') {
      return actor.ref === request.requestedBy
        ? []
        : [{ permission: istioRequestApprovePermission }];
    }
    if ((!actor.isUser && !actor.trusted) || actor.ref === request.requestedBy)
      return [];
    return [{ permission: istioRequestApprovePermission }];
  }

  private decisionReason(
    actor: Actor,
    action: DecisionAction,
    request: DecidedRequest,
    allowed: (question: Question) => boolean,
    ownership: string[],
  ): string | undefined {
    if (!this.options.permissionFrameworkEnabled) {
      return 'the permission framework is disabled, and istio-upgrade fails closed for changes';
    }
    if (action === 'rollback') {
      return this.createReason(actor, request.type, request.entityRef, allowed);
    }
    const mayApprove = () =>
      allowed({ permission: istioRequestApprovePermission });
    if (action === 'cancel') {
      if (actor.ref === request.requestedBy) return undefined;
      return mayApprove()
        ? undefined
        : 'only the requester or an approver may cancel it';
    }
    if (!actor.isUser && !actor.trusted) {
      return `decisions are taken by people; service ${actor.ref} is not trusted for them`;
    }
    if (actor.ref === request.requestedBy) {
      return 'nobody approves or rejects their own request';
    }
    if (mayApprove()) return undefined;
    const coOwners = request.plan?.sharedWith?.owners ?? [];
    if (coOwners.some(owner => ownership.includes(owner))) return undefined;
    return coOwners.length
      ? `you hold neither the approve permission nor the ownership of the other workloads it restarts (${coOwners.join(
          ', ',
        )})`
      : 'you do not hold the approve permission';
  }

  /**
   * Why `actor` may not take each action on each request (undefined where they may), with one call to
   * the permission framework for all of them: a page of requests costs one batch, not one call per
   * request and action. The requests' states are not considered here.
   */
  async whyNotEach(
    actor: Actor,
    asked: Array<{ action: DecisionAction; request: DecidedRequest }>,
  ): Promise<Array<string | undefined>> {
    const allowed = this.options.permissionFrameworkEnabled
      ? await this.decisions(
          actor,
          asked.flatMap(a =>
            this.decisionQuestions(actor, a.action, a.request),
          ),
        )
      : () => false;
    // Co-owners of a shared namespace may approve: the caller's ownership, read once.
    const ownership = asked.some(
      a =>
        (a.action === 'approve' || a.action === 'reject') &&
        a.request.plan?.sharedWith?.owners.length,
    )
      ? await this.ownership(actor)
      : [];
    return asked.map(a =>
      this.decisionReason(actor, a.action, a.request, allowed, ownership),
    );
  }

  /**
   * Why `actor` may not take `action` on a request, or undefined when they may. The request's state is
   * not considered here.
   */
  async whyNot(
    actor: Actor,
    action: DecisionAction,
    request: DecidedRequest,
  ): Promise<string | undefined> {
    return (await this.whyNotEach(actor, [{ action, request }]))[0];
  }

  /** @throws NotAllowedError unless `actor` may take `action` on the request */
  async authorize(
    actor: Actor,
    action: DecisionAction,
    request: DecidedRequest,
  ): Promise<void> {
    this.failClosed(`To ${action} a request`);
    const reason = await this.whyNot(actor, action, request);
    if (reason) throw new NotAllowedError(`Not allowed: ${reason}`);
  }

  /**
   * Why `actor` may not create or steer fleet campaigns, or undefined when they may: the permission
   * framework must be on, a person (or a trusted service) must ask, and hold the campaign permission.
   */
  async whyNotManageCampaigns(actor: Actor): Promise<string | undefined> {
    if (!this.options.permissionFrameworkEnabled) {
      return 'the permission framework is disabled, and istio-upgrade fails closed for changes';
    }
    if (!actor.isUser && !actor.trusted) {
      return `campaigns are steered by people; service ${actor.ref} is not trusted for them`;
    }
    const question = { permission: istioCampaignManagePermission };
    const allowed = await this.decisions(actor, [question]);
    return allowed(question) ? undefined : 'you may not manage campaigns';
  }

  /**
   * Why `actor` may not change the campaign schedule of `entityRef`'s namespaces (defer, opt in), or
   * undefined when they may: the same permission as migrating them.
   */
  async whyNotMigrateFor(
    actor: Actor,
    entityRef: string,
  ): Promise<string | undefined> {
    return this.whyNotCreate(actor, 'namespace-migration', entityRef);
  }
}
