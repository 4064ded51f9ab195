import {
  CampaignPlan,
  CampaignState,
  CreateCampaign,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** A campaign's spec as stored: the body of `POST /campaigns` with its defaults filled in, without `dryRun`. */
export type CampaignSpec = Omit<CreateCampaign, 'dryRun'>;

/** The states in which a campaign holds its clusters (at most one such campaign per cluster). */
export const ACTIVE_CAMPAIGN_STATES: CampaignState[] = [
  'pending-approval',
  'approved',
  'running',
  'paused',
  'aborting',
];

/** The states in which the engine works on a campaign (under its lease). */
export const RUNNABLE_CAMPAIGN_STATES: CampaignState[] = [
  'approved',
  'running',
  'aborting',
];

/** A campaign as stored. `plan` holds the plan and, once it runs, the progress of every ring, cluster and wave. */
export interface StoredCampaign {
  id: string;
  name: string;
  state: CampaignState;
  targetVersion: string;
  spec: CampaignSpec;
  plan: CampaignPlan;
  /** Every cluster of the campaign, as planned. */
  clusters: string[];
  requestedBy: string;
  requestedAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  comment?: string;
  pausedReason?: string;
  error?: string;
  currentRing?: number;
  /** Someone asked to pause: the engine finishes the wave in progress, then moves the campaign to `paused`. */
  pauseRequested: boolean;
  /** Clusters someone asked to skip, not yet taken into the plan by the engine. */
  skipRequested: string[];
  fencingToken: number;
}

/** A new campaign, before it is stored. */
export type NewCampaign = Pick<
  StoredCampaign,
  | 'id'
  | 'name'
  | 'state'
  | 'targetVersion'
  | 'spec'
  | 'plan'
  | 'clusters'
  | 'requestedBy'
  | 'requestedAt'
  | 'comment'
>;

/** An entry of a campaign's event log as stored. */
export interface StoredCampaignEvent {
  id: number;
  at: string;
  type: string;
  message: string;
  actor?: string;
  cluster?: string;
}

/** An entry for a campaign's event log. */
export type NewCampaignEvent = Omit<StoredCampaignEvent, 'id' | 'at'>;

/** The holder of a campaign's lease; its token fences every write the engine makes. */
export interface CampaignLease {
  owner: string;
  token: number;
}

/** The column updates of a campaign's change of state (`null` clears a column). */
export interface CampaignChange {
  plan?: CampaignPlan;
  currentRing?: number;
  startedAt?: string;
  finishedAt?: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  pausedReason?: string | null;
  error?: string | null;
  pauseRequested?: boolean;
}

/** Filters of {@link CampaignStore.list}. */
export interface CampaignFilter {
  states?: CampaignState[];
  cluster?: string;
  limit?: number;
}

/**
 * What owners changed about one namespace's place in a campaign. Kept apart from the plan, which only
 * the engine writes under its lease, so that an owner's deferral never races the engine's progress.
 */
export interface NamespaceSchedule {
  campaignId: string;
  cluster: string;
  namespace: string;
  /** When its owners were told of the wave (once). */
  notifiedAt?: string;
  /** The namespace waits until then (one deferral per namespace and campaign). */
  deferredUntil?: string;
  deferredBy?: string;
  /** Someone moved the namespace into the earliest wave that had not started. */
  optedInBy?: string;
  optedInAt?: string;
}

/**
 * Campaigns, their event logs and their namespaces' schedule changes. State changes are conditional
 * (the campaign must be in one of the expected states), at most one active campaign holds a cluster,
 * and given a {@link CampaignLease}, a write happens only while that lease still holds the campaign.
 */
export interface CampaignStore {
  /**
   * Stores a new campaign with its first event, holding each of its clusters.
   *
   * @throws ConflictError naming the cluster and the campaign when a cluster is held by another active campaign
   */
  insert(
    campaign: NewCampaign,
    event: NewCampaignEvent,
  ): Promise<StoredCampaign>;

  get(id: string): Promise<StoredCampaign | undefined>;

  /** The newest campaigns first, 50 unless the filter says otherwise. */
  list(filter?: CampaignFilter): Promise<StoredCampaign[]>;

  /** The active campaign that holds a cluster, if any. */
  activeFor(cluster: string): Promise<StoredCampaign | undefined>;

  events(id: string): Promise<StoredCampaignEvent[]>;

  /** Appends several entries to the event log in one write; given a lease, only while it holds the campaign. */
  appendEvents(
    id: string,
    events: NewCampaignEvent[],
    lease?: CampaignLease,
  ): Promise<boolean>;

  /** Appends to the event log; given a lease, only while it holds the campaign. */
  appendEvent(
    id: string,
    event: NewCampaignEvent,
    lease?: CampaignLease,
  ): Promise<boolean>;

  /**
   * Moves a campaign to `to` if it is in one of `from` (and, given a lease, still held by it), with the
   * event that says why. A campaign that reaches a final state (succeeded, failed, aborted, rejected)
   * releases its clusters. Returns whether it moved.
   */
  transition(
    id: string,
    from: CampaignState[],
    to: CampaignState,
    change: CampaignChange,
    event: NewCampaignEvent,
    lease?: CampaignLease,
  ): Promise<boolean>;

  /** Saves the engine's progress (plan, current ring, reasons) while the lease holds the campaign. */
  update(
    id: string,
    change: CampaignChange,
    lease: CampaignLease,
  ): Promise<boolean>;

  /** Asks the engine to pause the campaign after the wave in progress. */
  requestPause(id: string): Promise<boolean>;

  /** Asks the engine to skip a cluster; it also stops holding the cluster. */
  requestSkip(id: string, cluster: string): Promise<boolean>;

  /** Marks the skips the engine has taken into the plan. */
  clearSkips(
    id: string,
    clusters: string[],
    lease: CampaignLease,
  ): Promise<boolean>;

  /**
   * Takes the lease of a runnable campaign whose lease is free or expired. Each acquisition increments
   * the fencing token, so a former holder's writes are refused.
   */
  acquireLease(
    id: string,
    owner: string,
    ttlMs: number,
    now?: number,
  ): Promise<CampaignLease | undefined>;

  /** Extends a lease still held; false means it was lost. */
  renewLease(
    id: string,
    lease: CampaignLease,
    ttlMs: number,
    now?: number,
  ): Promise<boolean>;

  releaseLease(id: string, lease: CampaignLease): Promise<void>;

  /** Runnable campaigns whose lease is free or expired. */
  findRunnable(limit: number, now?: number): Promise<string[]>;

  /** The schedule changes of a campaign's namespaces. */
  schedules(campaignId: string): Promise<NamespaceSchedule[]>;

  /** The schedule changes of these namespaces in every active campaign. */
  schedulesFor(
    namespaces: Array<{ cluster: string; namespace: string }>,
  ): Promise<NamespaceSchedule[]>;

  /** Records that a namespace's owners were told (only the first time counts); true when this call recorded it. */
  markNotified(
    campaignId: string,
    cluster: string,
    namespace: string,
    at: string,
  ): Promise<boolean>;

  /**
   * {@link CampaignStore.markNotified} for many namespaces at once (a ring's); returns the ones this
   * call recorded, so that only their owners are told.
   */
  markNotifiedMany(
    campaignId: string,
    namespaces: Array<{ cluster: string; namespace: string }>,
    at: string,
  ): Promise<Array<{ cluster: string; namespace: string }>>;

  /**
   * Defers a namespace until `until`, once per namespace and campaign.
   *
   * @returns false when it was already deferred
   */
  defer(
    campaignId: string,
    cluster: string,
    namespace: string,
    until: string,
    by: string,
  ): Promise<boolean>;

  /** Moves a namespace into the earliest wave that has not started; false when it already opted in. */
  optIn(
    campaignId: string,
    cluster: string,
    namespace: string,
    by: string,
    at: string,
  ): Promise<boolean>;
}
