import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { istioUpgradePermissions } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { createIstioUpgradeActions } from './actions';
import { readCampaignSettings } from './campaigns/campaignConfig';
import { campaignInventory } from './campaigns/campaignInventory';
import { CampaignNotifier } from './campaigns/CampaignNotifier';
import { CampaignService } from './campaigns/CampaignService';
import { DatabaseCampaignStore } from './campaigns/DatabaseCampaignStore';
import { CampaignEngine } from './campaigns/engine/CampaignEngine';
import { createCampaignWorld } from './campaigns/engine/createCampaignWorld';
import { HealthGate } from './campaigns/gates';
import { requestPrechecks } from './campaigns/planning/requestPrechecks';
import { ClusterDirectory } from './clusters/ClusterDirectory';
import { readClusterConfig } from './clusters/clusterConfig';
import { InventoryService } from './inventory/InventoryService';
import { readInventorySettings } from './inventory/inventoryConfig';
import { readReleaseTable } from './inventory/releaseTableConfig';
import { RequestAuthorizer } from './permissions/RequestAuthorizer';
import { RequestRunner } from './requests/execution/RequestRunner';
import { readRequestSettings } from './requests/requestConfig';
import { RequestNotifier } from './requests/RequestNotifier';
import { RequestPlanner } from './requests/RequestPlanner';
import { activeRequestsIn } from './requests/controlPlanes/activeRequestsIn';
import { RequestService } from './requests/RequestService';
import { DatabaseRequestStore } from './requests/DatabaseRequestStore';
import { createRouter } from './router/createRouter';

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
        database: coreServices.database,
        auditor: coreServices.auditor,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
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
        database,
        auditor,
        userInfo,
        catalog,
        notifications,
        signals,
        actionsRegistry,
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

        const releases = readReleaseTable(config);
        const settings = readRequestSettings(config);
        const inventory = new InventoryService({
          directory: clusters,
          logger,
          permissions,
          settings: readInventorySettings(config),
          releases,
          allowPrivateHosts: clusterConfig.allowedPrivateHosts,
          protectedNamespaces: settings.protectedNamespaces,
        });

        const store = await DatabaseRequestStore.create({ database });
        const planner = new RequestPlanner({
          inventory,
          settings,
          releases,
          activeRequests: activeRequestsIn(store),
        });
        const notifier = new RequestNotifier({
          auditor,
          logger,
          approvers: settings.approvers,
          baseUrl: config.getOptionalString('app.baseUrl') ?? '',
          notifications,
          signals,
        });
        const runner = new RequestRunner({
          store,
          planner,
          settings,
          logger,
          observer: notifier,
        });
        const authorizer = new RequestAuthorizer({
          auth,
          permissions,
          userInfo,
          permissionFrameworkEnabled:
            config.getOptionalBoolean('permission.enabled') === true,
          trustedServices: settings.trustedServices,
        });
        const requests = new RequestService({
          store,
          planner,
          runner,
          notifier,
          catalog,
          auditor,
          logger,
          settings,
          authorizer,
        });

        const campaignSettings = readCampaignSettings(config);
        const campaignStore = await DatabaseCampaignStore.create({ database });
        const gate = HealthGate.fromConfig(config);
        const campaignNotifier = new CampaignNotifier({
          logger,
          approvers: settings.approvers,
          baseUrl: config.getOptionalString('app.baseUrl') ?? '',
          notifications,
          signals,
        });
        const engine = new CampaignEngine({
          store: campaignStore,
          world: createCampaignWorld({
            auth,
            inventory,
            requests,
            gate,
            notifier: campaignNotifier,
          }),
          settings: {
            unreachableRetries: campaignSettings.unreachableRetries,
            gate: campaignSettings.defaultGate,
            notifyAheadSeconds: campaignSettings.notifyAheadSeconds,
            soakSeconds: campaignSettings.defaultSoakSeconds,
          },
          logger,
          leaseTtlMs: campaignSettings.leaseTtlMs,
        });
        const campaigns = new CampaignService({
          store: campaignStore,
          catalog,
          auth,
          inventory: campaignInventory({ catalog, inventory }),
          authorizer,
          auditor,
          notifier: campaignNotifier,
          settings: campaignSettings,
          gated: cluster => gate.configuredFor(cluster),
          precheck: requestPrechecks({ planner, defaults: settings.defaults }),
          poke: () => {
            engine
              .sweep()
              .catch(error => logger.warn(`Campaign sweep failed: ${error}`));
          },
        });

        createIstioUpgradeActions({
          actionsRegistry,
          catalog,
          inventory,
          requests,
          campaigns,
          appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
        });

        lifecycle.addStartupHook(async () => {
          await inventory.start();
          // Every replica looks for requests whose lease is free or expired (a replica died mid-run).
          await scheduler.scheduleTask({
            id: 'istio-upgrade-resume-requests',
            scope: 'local',
            frequency: settings.sweepInterval,
            timeout: { minutes: 1 },
            initialDelay: { seconds: 1 },
            fn: () => runner.sweep(),
          });
          // Every replica steps the campaigns whose lease is free; a step is short and leased.
          engine.start(campaignSettings.engineIntervalMs);
        });
        lifecycle.addShutdownHook(async () => {
          await engine.stop();
          await runner.stop();
          await inventory.stop();
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            catalog,
            inventory,
            requests,
            campaigns,
          }),
        );
      },
    });
  },
});
