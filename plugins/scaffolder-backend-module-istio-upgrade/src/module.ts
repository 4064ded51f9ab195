import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createIstioNamespaceMigrateAction } from './actions/createIstioNamespaceMigrateAction';

/**
 * Adds the `istio:namespace:migrate` action to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleIstioUpgrade = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'istio-upgrade',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, auth, discovery, config }) {
        scaffolderActions.addActions(
          createIstioNamespaceMigrateAction({
            auth,
            discovery,
            appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
          }),
        );
      },
    });
  },
});
