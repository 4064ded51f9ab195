import { createApiRef } from '@backstage/core-plugin-api';
import {
  Campaign,
  CampaignPlan,
  CampaignState,
  Cluster,
  ClusterInventory,
  CreateCampaign,
  Decision,
  EntityIstioView,
  FleetSummary,
  PrecheckQuery,
  RequestDraft,
  RequestFilter,
  RequestPlan,
  NamespaceScheduleChange,
  RevisionCandidates,
  ScheduledNamespace,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

export type {
  PrecheckQuery,
  RequestDraft,
  RequestFilter,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * The istio-upgrade backend's REST API, as the frontend uses it. Components depend on this
 * interface only (through {@link istioUpgradeApiRef}), so that apps and tests can replace it.
 *
 * @public
 */
export interface IstioUpgradeApi {
  /** The catalog-registered clusters with their connection and sync state. */
  listClusters(): Promise<Cluster[]>;
  /** A cluster's inventory as last synced: control planes, tags, gateways, namespaces, workloads. */
  getClusterInventory(cluster: string): Promise<ClusterInventory>;
  /** Every cluster's revisions and versions, and the fleet's warnings. */
  getFleet(): Promise<FleetSummary>;
  /** A catalog entity's workloads in every cluster, with their sidecar revisions and migration targets. */
  getEntityView(entity: {
    kind: string;
    namespace: string;
    name: string;
  }): Promise<EntityIstioView>;
  /**
   * The Istio versions a new control plane could run on a cluster, newest first, each with the
   * revision name an install gives it and the verdict of the prechecks that depend on the version.
   */
  getRevisionCandidates(cluster: string): Promise<RevisionCandidates>;
  /** The prechecks and plan of a change, without creating a request. */
  getPrechecks(cluster: string, query: PrecheckQuery): Promise<RequestPlan>;
  /** A dry run of a request: its exact plan and prechecks; nothing is stored or changed. */
  planRequest(draft: RequestDraft): Promise<RequestPlan>;
  /** Asks for a change; the request waits for approval or starts at once. */
  createRequest(draft: RequestDraft): Promise<UpgradeRequest>;
  /** Requests, newest first (without their event logs). */
  listRequests(filter?: RequestFilter): Promise<UpgradeRequest[]>;
  /** One request with its steps, events and progress. */
  getRequest(id: string): Promise<UpgradeRequest>;
  /** Approves another person's request. */
  approveRequest(id: string, decision?: Decision): Promise<UpgradeRequest>;
  /** Rejects a request that waits for approval. */
  rejectRequest(id: string, decision?: Decision): Promise<UpgradeRequest>;
  /** Cancels a waiting request, or stops a running one between steps. */
  cancelRequest(id: string, decision?: Decision): Promise<UpgradeRequest>;
  /** Asks for the rollback of a succeeded or failed request; returns the rollback request. */
  rollbackRequest(id: string, decision?: Decision): Promise<UpgradeRequest>;
  /** Fleet upgrade campaigns, newest first (without their event logs). */
  listCampaigns(filter?: {
    state?: CampaignState | CampaignState[];
    cluster?: string;
  }): Promise<Campaign[]>;
  /** A dry run of a campaign: every request it would make, per ring, cluster and wave; nothing is stored. */
  planCampaign(draft: Omit<CreateCampaign, 'dryRun'>): Promise<CampaignPlan>;
  /** Asks for a campaign; it waits for a platform approver. */
  createCampaign(draft: Omit<CreateCampaign, 'dryRun'>): Promise<Campaign>;
  /** One campaign with its plan, progress, gate results and event log. */
  getCampaign(id: string): Promise<Campaign>;
  /** Approves, rejects, pauses, resumes or aborts a campaign. */
  decideCampaign(
    id: string,
    action: 'approve' | 'reject' | 'pause' | 'resume' | 'abort',
    decision?: Decision,
  ): Promise<Campaign>;
  /** Leaves a cluster out of the rest of a campaign. */
  skipCampaignCluster(
    id: string,
    cluster: string,
    decision?: Decision,
  ): Promise<Campaign>;
  /** The campaign waves that hold an entity's namespaces, with what its owners may do. */
  getEntityCampaignWaves(entity: {
    kind: string;
    namespace: string;
    name: string;
  }): Promise<ScheduledNamespace[]>;
  /** Defers a namespace's wave once (by `change.seconds`), or moves it into the earliest wave. */
  changeNamespaceSchedule(
    id: string,
    action: 'defer' | 'opt-in',
    change: NamespaceScheduleChange,
  ): Promise<ScheduledNamespace>;
}

/**
 * The {@link IstioUpgradeApi} reference.
 *
 * @public
 */
export const istioUpgradeApiRef = createApiRef<IstioUpgradeApi>({
  id: 'plugin.istio-upgrade.api',
});
