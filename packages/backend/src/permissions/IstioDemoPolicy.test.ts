import { UserInfoService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  istioControlPlaneManagePermission,
  istioGatewayCutoverPermission,
  istioInventoryReadPermission,
  istioNamespaceMigratePermission,
  istioRequestApprovePermission,
  istioRevisionTagMovePermission,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { IstioDemoPolicy } from './IstioDemoPolicy';

const PLATFORM = 'group:default/platform-team';

// Stands in for the userInfo service, which reads a user's ownership claims from their token.
const claimsByUser = new Map<string, string[]>();
const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    const { userEntityRef } = credentials.principal as {
      userEntityRef: string;
    };
    return {
      userEntityRef,
      ownershipEntityRefs: claimsByUser.get(userEntityRef) ?? [],
    };
  },
};

function as(ref: string, claims: string[]) {
  claimsByUser.set(ref, claims);
  return {
    credentials: mockCredentials.user(ref),
    info: { userEntityRef: ref, ownershipEntityRefs: claims },
  };
}

describe('IstioDemoPolicy', () => {
  const policy = new IstioDemoPolicy({ platformGroup: PLATFORM, userInfo });
  const platformUser = as('user:default/alice', [
    'user:default/alice',
    PLATFORM,
  ]);
  const serviceUser = as('user:default/carol', [
    'user:default/carol',
    'group:default/bookinfo-team',
  ]);

  it('lets everyone read the inventory and the catalog', async () => {
    for (const permission of [
      istioInventoryReadPermission,
      catalogEntityReadPermission,
    ]) {
      await expect(policy.handle({ permission }, serviceUser)).resolves.toEqual(
        { result: AuthorizeResult.ALLOW },
      );
    }
  });

  it('lets a service team migrate only what it owns', async () => {
    const decision = await policy.handle(
      { permission: istioNamespaceMigratePermission },
      serviceUser,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/carol', 'group:default/bookinfo-team'],
        },
      },
    });
  });

  it('lets the platform team migrate anything', async () => {
    await expect(
      policy.handle(
        { permission: istioNamespaceMigratePermission },
        platformUser,
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it.each([
    istioGatewayCutoverPermission,
    istioRevisionTagMovePermission,
    istioControlPlaneManagePermission,
    istioRequestApprovePermission,
  ])('keeps $name for the platform team', async permission => {
    await expect(policy.handle({ permission }, platformUser)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(policy.handle({ permission }, serviceUser)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it.each([istioGatewayCutoverPermission, istioControlPlaneManagePermission])(
    'denies platform-only $name to service principals',
    async permission => {
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    },
  );
});
