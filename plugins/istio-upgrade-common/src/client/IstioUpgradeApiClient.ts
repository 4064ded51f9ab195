import { ResponseError } from '@backstage/errors';
import {
  Campaign,
  CampaignPlan,
  Cluster,
  ClusterInventory,
  CreateCampaign,
  Decision,
  EntityIstioView,
  FleetSummary,
  RequestPlan,
  NamespaceScheduleChange,
  RevisionCandidates,
  ScheduledNamespace,
  UpgradeRequest,
} from '../schema';
import { DefaultApiClient, TypedResponse } from './DefaultApiClient.generated';
import {
  IstioUpgradeCallOptions,
  PrecheckQuery,
  RequestDraft,
  RequestFilter,
} from './IstioUpgradeApiTypes';

/** The answer's body; a failure becomes a `ResponseError` carrying the backend's error. */
async function bodyOf<T>(pending: Promise<TypedResponse<T>>): Promise<T> {
  const response = await pending;
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return response.json();
}

/**
 * The istio-upgrade REST API for every caller: the frontend (whose `fetchApi` adds the user's token),
 * the scaffolder and catalog modules (which pass a plugin request token per call). Wraps the client
 * generated from the OpenAPI spec; a failed call throws a `ResponseError` with the backend's error.
 *
 * @public
 */
export class IstioUpgradeApiClient {
  private readonly api: DefaultApiClient;

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.api = new DefaultApiClient(options);
  }

  /** The catalog-registered clusters with their connection and sync state. */
  async listClusters(options?: IstioUpgradeCallOptions): Promise<Cluster[]> {
    return (await bodyOf(this.api.listClusters({}, options))).items;
  }

  /** A cluster's inventory as last synced: control planes, tags, gateways, namespaces, workloads. */
  async getClusterInventory(
    cluster: string,
    options?: IstioUpgradeCallOptions,
  ): Promise<ClusterInventory> {
    return bodyOf(this.api.getClusterInventory({ path: { cluster } }, options));
  }

  /** Every cluster's revisions and versions, and the fleet's warnings. */
  async getFleet(options?: IstioUpgradeCallOptions): Promise<FleetSummary> {
    return bodyOf(this.api.getFleet({}, options));
  }

  /** A catalog entity's workloads in every cluster, with their sidecar revisions and migration targets. */
  async getEntityView(
    entity: { kind: string; namespace: string; name: string },
    options?: IstioUpgradeCallOptions,
  ): Promise<EntityIstioView> {
    const { kind, namespace, name } = entity;
    return bodyOf(
      this.api.getEntityView({ path: { kind, namespace, name } }, options),
    );
  }

  /**
   * The Istio versions a new control plane could run on a cluster, each with the revision name an
   * install would give it and the verdict of the prechecks that depend on the version.
   */
  async getRevisionCandidates(
    cluster: string,
    options?: IstioUpgradeCallOptions,
  ): Promise<RevisionCandidates> {
    return bodyOf(
      this.api.getRevisionCandidates({ path: { cluster } }, options),
    );
  }

  /** The prechecks and plan of a change, without creating a request. */
  async getPrechecks(
    cluster: string,
    query: PrecheckQuery,
    options?: IstioUpgradeCallOptions,
  ): Promise<RequestPlan> {
    return bodyOf(this.api.getPrechecks({ path: { cluster }, query }, options));
  }

  /** A dry run of a request: its exact plan and prechecks; nothing is stored or changed. */
  async planRequest(
    draft: RequestDraft,
    options?: IstioUpgradeCallOptions,
  ): Promise<RequestPlan> {
    // A dry run answers 200 with the plan.
    return (await bodyOf(
      this.api.createRequest({ body: { ...draft, dryRun: true } }, options),
    )) as RequestPlan;
  }

  /** Asks for a change; the request waits for approval or starts at once. */
  async createRequest(
    draft: RequestDraft,
    options?: IstioUpgradeCallOptions,
  ): Promise<UpgradeRequest> {
    // A stored request answers 202 with the request.
    return (await bodyOf(
      this.api.createRequest({ body: { ...draft, dryRun: false } }, options),
    )) as UpgradeRequest;
  }

  /** Requests, newest first (without their event logs). */
  async listRequests(
    filter: RequestFilter = {},
    options?: IstioUpgradeCallOptions,
  ): Promise<UpgradeRequest[]> {
    const { state, limit, ...rest } = filter;
    const query = {
      ...rest,
      state: Array.isArray(state) ? state.join(',') : state,
      limit: limit === undefined ? undefined : String(limit),
    };
    return (await bodyOf(this.api.listRequests({ query }, options))).items;
  }

  /** One request with its steps, events and progress. */
  async getRequest(
    id: string,
    options?: IstioUpgradeCallOptions,
  ): Promise<UpgradeRequest> {
    return bodyOf(this.api.getRequest({ path: { id } }, options));
  }

  /** Approves another person's request. */
  async approveRequest(
    id: string,
    decision: Decision = {},
    options?: IstioUpgradeCallOptions,
  ): Promise<UpgradeRequest> {
    return bodyOf(
      this.api.approveRequest({ path: { id }, body: decision }, options),
    );
  }

  /** Rejects a request that waits for approval. */
  async rejectRequest(
    id: string,
    decision: Decision = {},
    options?: IstioUpgradeCallOptions,
  ): Promise<UpgradeRequest> {
    return bodyOf(
      this.api.rejectRequest({ path: { id }, body: decision }, options),
    );
  }

  /** Cancels a waiting request, or stops a running one between steps. */
  async cancelRequest(
    id: string,
    decision: Decision = {},
    options?: IstioUpgradeCallOptions,
  ): Promise<UpgradeRequest> {
    return bodyOf(
      this.api.cancelRequest({ path: { id }, body: decision }, options),
    );
  }

  /** Asks for the rollback of a succeeded or failed request; returns the rollback request. */
  async rollbackRequest(
    id: string,
    decision: Decision = {},
    options?: IstioUpgradeCallOptions,
  ): Promise<UpgradeRequest> {
    return bodyOf(
      this.api.rollbackRequest({ path: { id }, body: decision }, options),
    );
  }
  /** Fleet upgrade campaigns, newest first (without their event logs). */
  async listCampaigns(
    filter: {
      state?: Campaign['state'] | Campaign['state'][];
      cluster?: string;
    } = {},
    options?: IstioUpgradeCallOptions,
  ): Promise<Campaign[]> {
    const { state, cluster } = filter;
    const query = {
      state: Array.isArray(state) ? state.join(',') : state,
      cluster,
    };
    return (await bodyOf(this.api.listCampaigns({ query }, options))).items;
  }

  /** A dry run of a campaign: every request it would make, per ring, cluster and wave. */
  async planCampaign(
    draft: Omit<CreateCampaign, 'dryRun'>,
    options?: IstioUpgradeCallOptions,
  ): Promise<CampaignPlan> {
    // A dry run answers 200 with the plan.
    return (await bodyOf(
      this.api.createCampaign({ body: { ...draft, dryRun: true } }, options),
    )) as CampaignPlan;
  }

  /** Asks for a campaign; it waits for a platform approver. */
  async createCampaign(
    draft: Omit<CreateCampaign, 'dryRun'>,
    options?: IstioUpgradeCallOptions,
  ): Promise<Campaign> {
    // A stored campaign answers 202 with the campaign.
    return (await bodyOf(
      this.api.createCampaign({ body: { ...draft, dryRun: false } }, options),
    )) as Campaign;
  }

  /** One campaign with its plan, progress, gate results and event log. */
  async getCampaign(
    id: string,
    options?: IstioUpgradeCallOptions,
  ): Promise<Campaign> {
    return bodyOf(this.api.getCampaign({ path: { id } }, options));
  }

  /** Approves, rejects, pauses, resumes or aborts a campaign. */
  async decideCampaign(
    id: string,
    action: 'approve' | 'reject' | 'pause' | 'resume' | 'abort',
    decision: Decision = {},
    options?: IstioUpgradeCallOptions,
  ): Promise<Campaign> {
    const request = { path: { id }, body: decision };
    switch (action) {
      case 'approve':
        return bodyOf(this.api.approveCampaign(request, options));
      case 'reject':
        return bodyOf(this.api.rejectCampaign(request, options));
      case 'pause':
        return bodyOf(this.api.pauseCampaign(request, options));
      case 'resume':
        return bodyOf(this.api.resumeCampaign(request, options));
      default:
        return bodyOf(this.api.abortCampaign(request, options));
    }
  }

  /** Leaves a cluster out of the rest of a campaign. */
  async skipCampaignCluster(
    id: string,
    cluster: string,
    decision: Decision = {},
    options?: IstioUpgradeCallOptions,
  ): Promise<Campaign> {
    return bodyOf(
      this.api.skipCampaignCluster(
        { path: { id, cluster }, body: decision },
        options,
      ),
    );
  }

  /** The campaign waves that hold an entity's namespaces, with what its owners may do. */
  async getEntityCampaignWaves(
    entity: { kind: string; namespace: string; name: string },
    options?: IstioUpgradeCallOptions,
  ): Promise<ScheduledNamespace[]> {
    const { kind, namespace, name } = entity;
    return (
      await bodyOf(
        this.api.getEntityCampaignWaves(
          { path: { kind, namespace, name } },
          options,
        ),
      )
    ).items;
  }

  /** Defers a namespace's wave once (by `change.seconds`), or moves it into the earliest wave. */
  async changeNamespaceSchedule(
    id: string,
    action: 'defer' | 'opt-in',
    change: NamespaceScheduleChange,
    options?: IstioUpgradeCallOptions,
  ): Promise<ScheduledNamespace> {
    const request = { path: { id }, body: change };
    return action === 'defer'
      ? bodyOf(this.api.deferCampaignNamespace(request, options))
      : bodyOf(this.api.optInCampaignNamespace(request, options));
  }
}
