import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { IstioDemoPolicy } from './IstioDemoPolicy';

/** Installs {@link IstioDemoPolicy}; the platform team is `permission.istioDemo.platformGroup`. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'istio-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new IstioDemoPolicy({
            userInfo,
            platformGroup:
              config.getOptionalString('permission.istioDemo.platformGroup') ??
              'group:default/platform-team',
          }),
        );
      },
    });
  },
});
