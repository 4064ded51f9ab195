import { createBackendModule } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The request header that names the demo user to sign in as. */
export const DEMO_USER_HEADER = 'x-demo-user';

// The same shape as a catalog entity name, but narrower: no dots or capitals, so that a header can
// never name anything but a plain user of the default namespace.
const DEMO_USER_NAME = /^[a-z][a-z0-9-]{0,62}$/;

interface DemoUserResult {
  name: string;
}

const demoUsersAuthenticator = createProxyAuthenticator<
  { disabled: boolean },
  DemoUserResult,
  undefined
>({
  defaultProfileTransform: async result => ({
    profile: { displayName: result.name },
  }),
  initialize({ config }) {
    return {
      disabled:
        process.env.NODE_ENV !== 'development' &&
        config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') !==
          true,
    };
  },
  async authenticate({ req }, { disabled }) {
    // Anyone can send any header: outside development this provider would let anyone be anyone.
    if (disabled) {
      throw new NotAllowedError(
        "The demo provider cannot be used outside of a development environment unless 'auth.providers.demo.dangerouslyAllowOutsideDevelopment' is enabled",
      );
    }
    const name = req.header(DEMO_USER_HEADER);
    if (!name || !DEMO_USER_NAME.test(name)) {
      throw new InputError(
        `The ${DEMO_USER_HEADER} header must name a demo user (lower-case letters, digits and dashes)`,
      );
    }
    return { result: { name } };
  },
});

/**
 * Development-only sign-in as any user of the catalog's default namespace, named by the
 * `x-demo-user` request header, so that the demo and its end-to-end tests can act as several people
 * (service team, platform team, approver). Refuses to work unless `NODE_ENV` is `development` or
 * `auth.providers.demo.dangerouslyAllowOutsideDevelopment` is true, like the guest provider.
 */
export const demoUsersAuthModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-users-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoUsersAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({
                entityRef: {
                  kind: 'user',
                  namespace: 'default',
                  name: result.name,
                },
              });
            },
          }),
        });
      },
    });
  },
});

export default demoUsersAuthModule;
