import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { IstioUpgradeCallOptions } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

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
function pluginError(error: unknown): unknown {
  if (!(error instanceof ResponseError)) return error;
  const { cause } = error;
  const Known = KNOWN_ERRORS[cause.name as keyof typeof KNOWN_ERRORS];
  return Known ? new Known(cause.message) : error;
}

/**
 * Runs calls of the istio-upgrade API with a token issued on behalf of the given credentials (the
 * template's initiator), so the plugin authorizes, applies its floor and audits exactly as for a call
 * from the portal.
 */
export function callsOnBehalfOf(
  auth: AuthService,
  credentials: () => Promise<BackstageCredentials>,
) {
  return async <T>(
    call: (options: IstioUpgradeCallOptions) => Promise<T>,
  ): Promise<T> => {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await credentials(),
      targetPluginId: 'istio-upgrade',
    });
    try {
      return await call({ token });
    } catch (error) {
      throw pluginError(error);
    }
  };
}
