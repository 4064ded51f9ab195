import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * Checks the inventory read permission with the caller's credentials. Every read of the inventory and of
 * requests needs it, whichever way it comes in (REST API or action: an action registry's visibility
 * check is not the only gate).
 *
 * @throws NotAllowedError when the caller may not read the inventory
 */
export async function authorizeInventoryRead(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
): Promise<void> {
  const [decision] = await permissions.authorize(
    [{ permission: istioInventoryReadPermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError('You may not read the Istio inventory');
  }
}
