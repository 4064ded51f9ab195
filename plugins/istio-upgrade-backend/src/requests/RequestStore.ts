import {
  Plan,
  RequestOptions,
  RequestState,
  RequestTarget,
  RequestType,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** The state of one step of a request. */
export type StepState =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped';

/** A request as the store keeps it. */
export interface StoredRequest {
  id: string;
  type: RequestType;
  state: RequestState;
  cluster: string;
  targetKey: string;
  target: RequestTarget;
  revision: string;
  entityRef?: string;
  requestedBy: string;
  idempotencyKey?: string;
  rollbackOf?: string;
  rolledBackBy?: string;
  /** The campaign that made the request, when a campaign did. */
  campaignId?: string;
  approvalRequired: boolean;
  approvalReason?: string;
  comment?: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  options: RequestOptions;
  plan: Plan;
  podsInScope: number;
  podsMigrated: number;
  currentStep?: string;
  error?: string;
  cancelRequested: boolean;
  requestedAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  leaseOwner?: string;
  leaseExpiresAt?: number;
  fencingToken: number;
}

/** A step as the store keeps it. */
export interface StoredStep {
  index: number;
  name: string;
  description?: string;
  state: StepState;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  /** What the step keeps to be idempotent across retries (e.g. the restart stamp it applies). */
  detail?: Record<string, unknown>;
}

/** An entry of the append-only event log. */
export interface StoredEvent {
  id: number;
  at: string;
  type: string;
  message: string;
  actor?: string;
}

/** What a new request holds. */
export type NewRequest = Pick<
  StoredRequest,
  | 'id'
  | 'type'
  | 'state'
  | 'cluster'
  | 'targetKey'
  | 'target'
  | 'revision'
  | 'entityRef'
  | 'requestedBy'
  | 'idempotencyKey'
  | 'rollbackOf'
  | 'campaignId'
  | 'decidedBy'
  | 'decidedAt'
  | 'decisionComment'
  | 'approvalRequired'
  | 'approvalReason'
  | 'comment'
  | 'options'
  | 'plan'
  | 'podsInScope'
>;

/** Filters of {@link RequestStore.list}. */
export interface RequestFilter {
  entityRef?: string;
  cluster?: string;
  states?: RequestState[];
  type?: RequestType;
  limit?: number;
}

/** The holder of a request's lease, checked before every cluster write. */
export interface Lease {
  owner: string;
  token: number;
}

/** The column updates of a change of state. */
export interface StateChange {
  startedAt?: string;
  finishedAt?: string;
  error?: string | null;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  cancelRequested?: boolean;
  rolledBackBy?: string;
}

/** The progress a running request records. */
export interface ProgressChange {
  podsMigrated?: number;
  podsInScope?: number;
  currentStep?: string;
}

/** The changes of a step as it runs. */
export type StepChange = Partial<
  Omit<StoredStep, 'index' | 'name' | 'description'>
>;

/** An entry for the event log: what happened, and who did it. */
export interface NewEvent {
  type: string;
  message: string;
  actor?: string;
}

/** A step as a plan names it, before it runs. */
export type NewStep = Pick<StoredStep, 'name' | 'description'>;

/**
 * Requests, steps and events. State changes are conditional (the request must be in one of the
 * expected states), so that two replicas or two people acting at once cannot both win, and there is
 * at most one active request per target. Given a {@link Lease}, a write happens only while that lease
 * still holds the request.
 */
export interface RequestStore {
  /**
   * Stores a new request with its steps and first event. An idempotency key already used by the same
   * requester returns that request instead.
   *
   * @throws ConflictError when the target already has an active request
   */
  insert(
    request: NewRequest,
    steps: NewStep[],
    event: NewEvent,
  ): Promise<{ request: StoredRequest; created: boolean }>;

  /** The request a requester asked for with an idempotency key, if any. */
  byIdempotencyKey(
    requestedBy: string,
    key: string,
  ): Promise<StoredRequest | undefined>;

  /** The active request (waiting, approved or running) on a target, if there is one. */
  activeFor(
    cluster: string,
    targetKey: string,
  ): Promise<StoredRequest | undefined>;

  get(id: string): Promise<StoredRequest | undefined>;

  /** The requests of these ids that exist, in one read (a campaign's wave). */
  getMany(ids: string[]): Promise<StoredRequest[]>;

  /** The newest requests first, 50 unless the filter says otherwise. */
  list(filter?: RequestFilter): Promise<StoredRequest[]>;

  steps(id: string): Promise<StoredStep[]>;

  events(id: string): Promise<StoredEvent[]>;

  /** Appends to the event log; given a lease, only while it holds the request. */
  appendEvent(id: string, event: NewEvent, lease?: Lease): Promise<boolean>;

  /**
   * Moves a request to `to` if it is in one of `from` (and, when a lease is given, still held by it),
   * with the event that says why. Returns whether it moved.
   */
  transition(
    id: string,
    from: RequestState[],
    to: RequestState,
    change: StateChange,
    event: NewEvent,
    lease?: Lease,
  ): Promise<boolean>;

  /** Marks that someone asked a running request to stop at its next step. */
  requestCancel(id: string): Promise<boolean>;

  /** Links a request to the request that rolls it back. */
  setRolledBackBy(id: string, rollbackId: string): Promise<void>;

  /** Records progress; given a lease, only while it holds the request. */
  updateProgress(
    id: string,
    progress: ProgressChange,
    lease?: Lease,
  ): Promise<boolean>;

  /** Changes a step's state or detail; given a lease, only while it holds the request. */
  updateStep(
    id: string,
    index: number,
    change: StepChange,
    lease?: Lease,
  ): Promise<boolean>;

  /**
   * Adds steps after the existing ones (a rollback after a failure); given a lease, only while it
   * holds the request.
   */
  appendSteps(id: string, steps: NewStep[], lease?: Lease): Promise<boolean>;

  /**
   * Takes the lease of an approved or running request whose lease is free or expired. Each
   * acquisition increments the fencing token, so a former holder's writes are refused.
   */
  acquireLease(
    id: string,
    owner: string,
    ttlMs: number,
    now?: number,
  ): Promise<Lease | undefined>;

  /** Extends a lease still held; false means it was lost. */
  renewLease(
    id: string,
    lease: Lease,
    ttlMs: number,
    now?: number,
  ): Promise<boolean>;

  releaseLease(id: string, lease: Lease): Promise<void>;

  /** Whether the lease is still held and unexpired: checked before every cluster write. */
  holdsLease(id: string, lease: Lease, now?: number): Promise<boolean>;

  /** Approved or running requests whose lease is free or expired. */
  findRunnable(limit: number, now?: number): Promise<string[]>;
}
