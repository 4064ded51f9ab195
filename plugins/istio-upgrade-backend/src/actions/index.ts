import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CampaignService } from '../campaigns/CampaignService';
import { InventoryService } from '../inventory/InventoryService';
import { RequestService } from '../requests/RequestService';
import { createGetIstioCampaignStatusAction } from './createGetIstioCampaignStatusAction';
import { createGetIstioClusterInventoryAction } from './createGetIstioClusterInventoryAction';
import { createGetIstioFleetStatusAction } from './createGetIstioFleetStatusAction';
import { createGetSidecarRevisionsAction } from './createGetSidecarRevisionsAction';
import { createGetUpgradeRequestAction } from './createGetUpgradeRequestAction';
import { createPlanNamespaceMigrationAction } from './createPlanNamespaceMigrationAction';
import { createRequestControlPlaneInstallAction } from './createRequestControlPlaneInstallAction';
import { createRequestControlPlaneRemovalAction } from './createRequestControlPlaneRemovalAction';
import { createRequestGatewayCutoverAction } from './createRequestGatewayCutoverAction';
import { createRequestIstioCampaignAction } from './createRequestIstioCampaignAction';
import { createRequestNamespaceMigrationAction } from './createRequestNamespaceMigrationAction';

/** What the actions reach: the services behind the REST API, never a side door. */
export interface IstioUpgradeActionsOptions {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  inventory: InventoryService;
  requests: RequestService;
  /** Fleet upgrade campaigns: their dry runs, creation and status. */
  campaigns: CampaignService;
  /** The app's base URL, for links to requests (`app.baseUrl`). */
  appBaseUrl: string;
}

/**
 * Registers the plugin's actions (for MCP clients and other action consumers) with the actions
 * registry: fleet, cluster and entity reads, a migration's dry run, migration, cutover, control-plane
 * install and removal requests, a request's state, and fleet upgrade campaigns (asked for, dry run
 * first, and followed).
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
  createRequestIstioCampaignAction(options);
  createGetIstioCampaignStatusAction(options);
}
