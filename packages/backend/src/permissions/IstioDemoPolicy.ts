import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  istioCampaignManagePermission,
  istioControlPlaneManagePermission,
  istioGatewayCutoverPermission,
  istioNamespaceMigrateAnyPermission,
  istioNamespaceMigratePermission,
  istioRequestApprovePermission,
  istioRevisionTagMovePermission,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

const PLATFORM_ONLY = [
  istioNamespaceMigrateAnyPermission,
  istioGatewayCutoverPermission,
  istioRevisionTagMovePermission,
  istioControlPlaneManagePermission,
  istioCampaignManagePermission,
  istioRequestApprovePermission,
];

/**
 * The demo portal's permission policy: everyone signed in reads everything; service teams migrate the
 * namespaces of the components they own; the platform team does everything, including cutovers, tag
 * moves, control-plane installs and removals, fleet campaigns, and approvals. Service principals (templates, MCP clients) may ask for migrations, which the
 * istio-upgrade plugin then holds for a human's approval.
 */
export class IstioDemoPolicy implements PermissionPolicy {
  constructor(
    private readonly options: {
      platformGroup: string;
      userInfo: UserInfoService;
    },
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const claims = user
      ? (await this.options.userInfo.getUserInfo(user.credentials))
          .ownershipEntityRefs
      : [];
    const isPlatform = claims.includes(this.options.platformGroup);

    if (isPermission(request.permission, istioNamespaceMigratePermission)) {
      if (!user || isPlatform) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (PLATFORM_ONLY.some(p => isPermission(request.permission, p))) {
      return {
        result: isPlatform ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
