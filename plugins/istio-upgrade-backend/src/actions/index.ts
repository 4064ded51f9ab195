import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { InventoryService } from '../inventory/InventoryService';
import { RequestService } from '../requests/RequestService';
import { createGetIstioClusterInventoryAction } from './createGetIstioClusterInventoryAction';
import { createGetIstioFleetStatusAction } from './createGetIstioFleetStatusAction';
import { createGetSidecarRevisionsAction } from './createGetSidecarRevisionsAction';
import { createGetUpgradeRequestAction } from './createGetUpgradeRequestAction';
import { createPlanNamespaceMigrationAction } from './createPlanNamespaceMigrationAction';
import { createRequestControlPlaneInstallAction } from './createRequestControlPlaneInstallAction';
import { createRequestControlPlaneRemovalAction } from './createRequestControlPlaneRemovalAction';
import { createRequestGatewayCutoverAction } from './createRequestGatewayCutoverAction';
import { createRequestNamespaceMigrationAction } from './createRequestNamespaceMigrationAction';

/** What the actions reach: the services behind the REST API, never a side door. */
export interface IstioUpgradeActionsOptions {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  inventory: InventoryService;
  requests: RequestService;
  /** The app's base URL, for links to requests (`app.baseUrl`). */
  appBaseUrl: string;
}

/**
 * Registers the plugin's actions (for MCP clients and other action consumers) with the actions
 * registry: fleet, cluster and entity reads, a migration's dry run, migration, cutover, control-plane
 * install and removal requests, and a request's state.
 */
export function createIstioUpgradeActions(
  options: IstioUpgradeActionsOptions,
): void {
  createGetIstioFleetStatusAction(options);
  createGetIstioClusterInventoryAction(options);
  createGetSidecarRevisionsAction(options);
  createPlanNamespaceMigrationAction(options);
  createRequestNamespaceMigrationAction(options);
  createRequestGatewayCutoverAction(options);
  createRequestControlPlaneInstallAction(options);
  createRequestControlPlaneRemovalAction(options);
  createGetUpgradeRequestAction(options);
}
