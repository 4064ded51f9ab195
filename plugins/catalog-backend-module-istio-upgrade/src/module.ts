import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { IstioControlPlaneProvider } from './provider/IstioControlPlaneProvider';
import { IstioUpgradeFleetClient } from './provider/IstioUpgradeFleetClient';
import { readProviderSchedule } from './provider/readProviderSchedule';

/**
 * Adds the Istio control planes of every cluster the istio-upgrade plugin knows to the catalog, as
 * `Resource` entities of type `istio-control-plane`.
 *
 * @public
 */
export const catalogModuleIstioUpgrade = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'istio-upgrade',
  register({ registerInit }) {
    registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ logger, config, scheduler, auth, discovery, processing }) {
        processing.addEntityProvider(
          new IstioControlPlaneProvider({
            fleet: new IstioUpgradeFleetClient({ auth, discovery }),
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(
              readProviderSchedule(config),
            ),
          }),
        );
      },
    });
  },
});
