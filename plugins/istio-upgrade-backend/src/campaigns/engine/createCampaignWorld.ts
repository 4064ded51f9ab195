import { AuthService } from '@backstage/backend-plugin-api';
import { InventoryService } from '../../inventory/InventoryService';
import { RequestService } from '../../requests/RequestService';
import { CampaignNotifier } from '../CampaignNotifier';
import { windowOpenAt } from '../windows/maintenanceWindows';
import { CampaignGate } from './campaignGate';
import { CampaignWorld } from './campaignWorld';

/**
 * The engine's world in production: the inventory the backend keeps, requests made through the request
 * service (planned, prechecked and run like anyone's), the health gate, the windows' rules and
 * Backstage notifications. Requests are made with the plugin's own service credentials; who asked is
 * the campaign's requester.
 */
export function createCampaignWorld(options: {
  auth: AuthService;
  inventory: Pick<InventoryService, 'clusterInventory'>;
  requests: Pick<
    RequestService,
    'createForCampaign' | 'rollbackForCampaign' | 'ofCampaign'
  >;
  gate: CampaignGate;
  notifier: CampaignNotifier;
  now?: () => Date;
}): CampaignWorld {
  const { auth, inventory, requests, gate, notifier } = options;
  return {
    now: options.now ?? (() => new Date()),
    inventory: cluster => inventory.clusterInventory(cluster),
    createRequest: async (campaign, body) =>
      requests.createForCampaign(
        campaign,
        body,
        await auth.getOwnServiceCredentials(),
      ),
    rollbackRequest: async (campaign, id) =>
      requests.rollbackForCampaign(
        campaign,
        id,
        await auth.getOwnServiceCredentials(),
      ),
    requests: ids => requests.ofCampaign(ids),
    gate,
    windowState: windowOpenAt,
    notify: notice => notifier.notice(notice),
  };
}
