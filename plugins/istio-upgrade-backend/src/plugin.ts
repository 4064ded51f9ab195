import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { istioUpgradePermissions } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterDirectory } from './clusters/ClusterDirectory';
import { readClusterConfig } from './clusters/clusterConfig';
import { InventoryService } from './inventory/InventoryService';
import { readInventorySettings } from './inventory/inventoryConfig';
import { readReleaseTable } from './inventory/releaseTableConfig';
import { createRouter } from './service/createRouter';

/**
 * The istio-upgrade backend plugin: Istio revision inventory and upgrade requests for the clusters in
 * the catalog, served at `/api/istio-upgrade`.
 *
 * @public
 */
export const istioUpgradePlugin = createBackendPlugin({
  pluginId: 'istio-upgrade',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        auth,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        scheduler,
        lifecycle,
        catalog,
      }) {
        permissionsRegistry.addPermissions(istioUpgradePermissions);

        const clusterConfig = readClusterConfig(config);
        const clusters = new ClusterDirectory({
          catalog,
          auth,
          logger,
          config: clusterConfig,
        });
        await scheduler.scheduleTask({
          id: 'istio-upgrade-refresh-clusters',
          scope: 'local',
          frequency: clusterConfig.refreshInterval,
          timeout: { minutes: 1 },
          fn: () => clusters.refresh(),
        });

        const inventory = new InventoryService({
          directory: clusters,
          logger,
          settings: readInventorySettings(config),
          releases: readReleaseTable(config),
          allowPrivateHosts: clusterConfig.allowedPrivateHosts,
        });
        lifecycle.addStartupHook(() => inventory.start());
        lifecycle.addShutdownHook(() => inventory.stop());

        httpRouter.use(
          await createRouter({ httpAuth, permissions, catalog, inventory }),
        );
      },
    });
  },
});
