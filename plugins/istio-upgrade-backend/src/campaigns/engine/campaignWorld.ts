import {
  ClusterInventory,
  CreateRequest,
  MaintenanceWindow,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { StoredRequest } from '../../requests/RequestStore';
import { WindowState } from '../planning/planCampaign';
import { CampaignGate } from './campaignGate';

/** Who a campaign's requests are made for. */
export interface CampaignRef {
  id: string;
  name: string;
  requestedBy: string;
  approvedBy: string;
}

/** A notice to a wave's owners, to the platform team, or both. */
export interface CampaignNotice {
  campaign: CampaignRef;
  cluster?: string;
  /** Catalog entities whose owners hear of it (their namespace's wave). */
  owners?: string[];
  /** Whether the platform team (the approvers) hears of it. */
  platform?: boolean;
  title: string;
  description: string;
}

/**
 * Everything the engine reads and does outside its own campaign row: the clusters' inventories, the
 * requests it makes, the health gate, the windows, notices, and the clock. Production wires the real
 * services; every call goes through here so the engine's rules are tested on the simulator as a whole.
 */
export interface CampaignWorld {
  now(): Date;
  inventory(cluster: string): Promise<ClusterInventory>;
  createRequest(
    campaign: CampaignRef,
    body: CreateRequest,
  ): Promise<StoredRequest>;
  rollbackRequest(campaign: CampaignRef, id: string): Promise<StoredRequest>;
  requests(ids: string[]): Promise<Map<string, StoredRequest>>;
  gate: CampaignGate;
  windowState(windows: MaintenanceWindow[], at: Date): WindowState;
  notify(notice: CampaignNotice): Promise<void>;
}
