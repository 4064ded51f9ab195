import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  Plan,
  RequestOptions,
  RequestState,
  RequestTarget,
  RequestType,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { Knex } from 'knex';
import { ACTIVE_STATES } from './requestStates';

const REQUESTS = 'istio_upgrade_requests';
const STEPS = 'istio_upgrade_request_steps';
const EVENTS = 'istio_upgrade_request_events';

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

const nowIso = () => new Date().toISOString();

function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

function toRequest(row: any): StoredRequest {
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    cluster: row.cluster,
    targetKey: row.target_key,
    target: JSON.parse(row.target),
    revision: row.revision,
    entityRef: optional(row.entity_ref),
    requestedBy: row.requested_by,
    idempotencyKey: optional(row.idempotency_key),
    rollbackOf: optional(row.rollback_of),
    rolledBackBy: optional(row.rolled_back_by),
    approvalRequired: Boolean(row.approval_required),
    approvalReason: optional(row.approval_reason),
    comment: optional(row.comment),
    decidedBy: optional(row.decided_by),
    decidedAt: optional(row.decided_at),
    decisionComment: optional(row.decision_comment),
    options: JSON.parse(row.options),
    plan: JSON.parse(row.plan),
    podsInScope: Number(row.pods_in_scope),
    podsMigrated: Number(row.pods_migrated),
    currentStep: optional(row.current_step),
    error: optional(row.error),
    cancelRequested: Boolean(row.cancel_requested),
    requestedAt: row.requested_at,
    updatedAt: row.updated_at,
    startedAt: optional(row.started_at),
    finishedAt: optional(row.finished_at),
    leaseOwner: optional(row.lease_owner),
    leaseExpiresAt:
      row.lease_expires_at === null || row.lease_expires_at === undefined
        ? undefined
        : Number(row.lease_expires_at),
    fencingToken: Number(row.fencing_token),
  };
}

function toStep(row: any): StoredStep {
  return {
    index: Number(row.step_index),
    name: row.name,
    description: optional(row.description),
    state: row.state,
    startedAt: optional(row.started_at),
    finishedAt: optional(row.finished_at),
    message: optional(row.message),
    detail: row.detail ? JSON.parse(row.detail) : undefined,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed|duplicate key value/i.test(e?.message ?? '')
  );
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

/**
 * Requests, steps and events in the plugin's database. State changes are conditional updates (the
 * request must be in one of the expected states), so that two replicas or two people acting at once
 * cannot both win; the unique `active_target` refuses a second active request for a target.
 */
export class RequestStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<RequestStore> {
    const db = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await db.migrate.latest({
        directory: resolvePackagePath(
          '@istio-upgrade/backstage-plugin-istio-upgrade-backend',
          'migrations',
        ),
        tableName: 'istio_upgrade_knex_migrations',
      });
    }
    return new RequestStore(db);
  }

  /**
   * Stores a new request with its steps and first event. An idempotency key already used by the same
   * requester returns that request instead.
   *
   * @throws ConflictError when the target already has an active request
   */
  async insert(
    request: NewRequest,
    steps: Array<Pick<StoredStep, 'name' | 'description'>>,
    event: { type: string; message: string; actor?: string },
  ): Promise<{ request: StoredRequest; created: boolean }> {
    if (request.idempotencyKey) {
      const existing = await this.byIdempotencyKey(
        request.requestedBy,
        request.idempotencyKey,
      );
      if (existing) return { request: existing, created: false };
    }
    const at = nowIso();
    try {
      await this.db.transaction(async tx => {
        await tx(REQUESTS).insert({
          id: request.id,
          type: request.type,
          state: request.state,
          cluster: request.cluster,
          target_key: request.targetKey,
          active_target: ACTIVE_STATES.includes(request.state)
            ? `${request.cluster}/${request.targetKey}`
            : null,
          target: JSON.stringify(request.target),
          revision: request.revision,
          entity_ref: request.entityRef ?? null,
          requested_by: request.requestedBy,
          idempotency_key: request.idempotencyKey ?? null,
          rollback_of: request.rollbackOf ?? null,
          approval_required: request.approvalRequired,
          approval_reason: request.approvalReason ?? null,
          comment: request.comment ?? null,
          options: JSON.stringify(request.options),
          plan: JSON.stringify(request.plan),
          pods_in_scope: request.podsInScope,
          pods_migrated: 0,
          cancel_requested: false,
          requested_at: at,
          updated_at: at,
          fencing_token: 0,
        });
        if (steps.length > 0) {
          await tx(STEPS).insert(
            steps.map((step, index) => ({
              request_id: request.id,
              step_index: index,
              name: step.name,
              description: step.description ?? null,
              state: 'pending',
            })),
          );
        }
        await tx(EVENTS).insert({
          request_id: request.id,
          at,
          type: event.type,
          message: event.message,
          actor: event.actor ?? null,
        });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (request.idempotencyKey) {
        const existing = await this.byIdempotencyKey(
          request.requestedBy,
          request.idempotencyKey,
        );
        if (existing) return { request: existing, created: false };
      }
      const active = await this.db(REQUESTS)
        .where({ active_target: `${request.cluster}/${request.targetKey}` })
        .first();
      throw new ConflictError(
        active
          ? `${request.targetKey} in cluster ${request.cluster} already has an active request (${active.id}, ${active.state})`
          : `${request.targetKey} in cluster ${request.cluster} already has an active request`,
      );
    }
    return { request: (await this.get(request.id))!, created: true };
  }

  /** The request a requester asked for with an idempotency key, if any. */
  async byIdempotencyKey(
    requestedBy: string,
    key: string,
  ): Promise<StoredRequest | undefined> {
    const row = await this.db(REQUESTS)
      .where({ requested_by: requestedBy, idempotency_key: key })
      .first();
    return row ? toRequest(row) : undefined;
  }

  /** The active request (waiting, approved or running) on a target, if there is one. */
  async activeFor(
    cluster: string,
    targetKey: string,
  ): Promise<StoredRequest | undefined> {
    const row = await this.db(REQUESTS)
      .where({ active_target: `${cluster}/${targetKey}` })
      .first();
    return row ? toRequest(row) : undefined;
  }

  async get(id: string): Promise<StoredRequest | undefined> {
    const row = await this.db(REQUESTS).where({ id }).first();
    return row ? toRequest(row) : undefined;
  }

  async list(filter: RequestFilter = {}): Promise<StoredRequest[]> {
    const query = this.db(REQUESTS)
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'asc')
      .limit(filter.limit ?? 50);
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    if (filter.cluster) query.where({ cluster: filter.cluster });
    if (filter.type) query.where({ type: filter.type });
    if (filter.states?.length) query.whereIn('state', filter.states);
    return (await query).map(toRequest);
  }

  async steps(id: string): Promise<StoredStep[]> {
    const rows = await this.db(STEPS)
      .where({ request_id: id })
      .orderBy('step_index', 'asc');
    return rows.map(toStep);
  }

  async events(id: string): Promise<StoredEvent[]> {
    const rows = await this.db(EVENTS)
      .where({ request_id: id })
      .orderBy('id', 'asc');
    return rows.map(row => ({
      id: Number(row.id),
      at: row.at,
      type: row.type,
      message: row.message,
      actor: optional(row.actor),
    }));
  }

  /**
   * Runs `write` at once, or, given a lease, in a transaction only while that lease still holds the
   * request: the request's row is locked for share, so a replica taking the lease over waits for the
   * write to commit, and a write after the takeover is refused. Returns whether it wrote.
   */
  private async fenced(
    id: string,
    lease: Lease | undefined,
    write: (db: Knex) => Promise<unknown>,
  ): Promise<boolean> {
    if (!lease) {
      await write(this.db);
      return true;
    }
    return this.db.transaction(async tx => {
      const held = await tx(REQUESTS)
        .where({ id, lease_owner: lease.owner, fencing_token: lease.token })
        .forShare()
        .first('id');
      if (!held) return false;
      await write(tx);
      return true;
    });
  }

  /** Appends to the event log; given a lease, only while it holds the request. */
  async appendEvent(
    id: string,
    event: { type: string; message: string; actor?: string },
    lease?: Lease,
  ): Promise<boolean> {
    return this.fenced(id, lease, db =>
      db(EVENTS).insert({
        request_id: id,
        at: nowIso(),
        type: event.type,
        message: event.message,
        actor: event.actor ?? null,
      }),
    );
  }

  /**
   * Moves a request to `to` if it is in one of `from` (and, when a lease is given, still held by it),
   * with the event that says why. Returns whether it moved.
   */
  async transition(
    id: string,
    from: RequestState[],
    to: RequestState,
    change: StateChange,
    event: { type: string; message: string; actor?: string },
    lease?: Lease,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx(REQUESTS).where({ id }).first();
      if (!row) return false;
      const update: Record<string, unknown> = {
        state: to,
        updated_at: nowIso(),
        active_target: ACTIVE_STATES.includes(to)
          ? `${row.cluster}/${row.target_key}`
          : null,
      };
      if (change.startedAt) update.started_at = change.startedAt;
      if (change.finishedAt) update.finished_at = change.finishedAt;
      if (change.error !== undefined) update.error = change.error;
      if (change.decidedBy) update.decided_by = change.decidedBy;
      if (change.decidedAt) update.decided_at = change.decidedAt;
      if (change.decisionComment !== undefined)
        update.decision_comment = change.decisionComment;
      if (change.cancelRequested !== undefined)
        update.cancel_requested = change.cancelRequested;
      if (change.rolledBackBy) update.rolled_back_by = change.rolledBackBy;
      if (!ACTIVE_STATES.includes(to)) {
        update.lease_owner = null;
        update.lease_expires_at = null;
      }
      const query = tx(REQUESTS).where({ id }).whereIn('state', from);
      if (lease) {
        query.where({ lease_owner: lease.owner, fencing_token: lease.token });
      }
      const moved = await query.update(update);
      if (moved !== 1) return false;
      await tx(EVENTS).insert({
        request_id: id,
        at: nowIso(),
        type: event.type,
        message: event.message,
        actor: event.actor ?? null,
      });
      return true;
    });
  }

  /** Marks that someone asked a running request to stop at its next step. */
  async requestCancel(id: string): Promise<boolean> {
    const updated = await this.db(REQUESTS)
      .where({ id, state: 'running' })
      .update({ cancel_requested: true, updated_at: nowIso() });
    return updated === 1;
  }

  /** Links a request to the request that rolls it back. */
  async setRolledBackBy(id: string, rollbackId: string): Promise<void> {
    await this.db(REQUESTS)
      .where({ id })
      .update({ rolled_back_by: rollbackId, updated_at: nowIso() });
  }

  /** Records progress; given a lease, only while it holds the request. */
  async updateProgress(
    id: string,
    progress: {
      podsMigrated?: number;
      podsInScope?: number;
      currentStep?: string;
    },
    lease?: Lease,
  ): Promise<boolean> {
    const update: Record<string, unknown> = { updated_at: nowIso() };
    if (progress.podsMigrated !== undefined)
      update.pods_migrated = progress.podsMigrated;
    if (progress.podsInScope !== undefined)
      update.pods_in_scope = progress.podsInScope;
    if (progress.currentStep !== undefined)
      update.current_step = progress.currentStep;
    return this.fenced(id, lease, db =>
      db(REQUESTS).where({ id }).update(update),
    );
  }

  /** Changes a step's state or detail; given a lease, only while it holds the request. */
  async updateStep(
    id: string,
    index: number,
    change: Partial<Omit<StoredStep, 'index' | 'name' | 'description'>>,
    lease?: Lease,
  ): Promise<boolean> {
    const update: Record<string, unknown> = {};
    if (change.state) update.state = change.state;
    if (change.startedAt) update.started_at = change.startedAt;
    if (change.finishedAt) update.finished_at = change.finishedAt;
    if (change.message !== undefined) update.message = change.message;
    if (change.detail !== undefined)
      update.detail = JSON.stringify(change.detail);
    return this.fenced(id, lease, db =>
      db(STEPS).where({ request_id: id, step_index: index }).update(update),
    );
  }

  /**
   * Adds steps after the existing ones (a rollback after a failure); given a lease, only while it
   * holds the request.
   */
  async appendSteps(
    id: string,
    steps: Array<Pick<StoredStep, 'name' | 'description'>>,
    lease?: Lease,
  ): Promise<boolean> {
    if (steps.length === 0) return true;
    return this.fenced(id, lease, async db => {
      const { count } = (await db(STEPS)
        .where({ request_id: id })
        .count({ count: '*' })
        .first()) as { count: number | string };
      await db(STEPS).insert(
        steps.map((step, i) => ({
          request_id: id,
          step_index: Number(count) + i,
          name: step.name,
          description: step.description ?? null,
          state: 'pending',
        })),
      );
    });
  }

  /**
   * Takes the lease of an approved or running request whose lease is free or expired. Each
   * acquisition increments the fencing token, so a former holder's writes are refused.
   */
  async acquireLease(
    id: string,
    owner: string,
    ttlMs: number,
    now = Date.now(),
  ): Promise<Lease | undefined> {
    const updated = await this.db(REQUESTS)
      .where({ id })
      .whereIn('state', ['approved', 'running'])
      .where(q =>
        q.whereNull('lease_owner').orWhere('lease_expires_at', '<', now),
      )
      .update({
        lease_owner: owner,
        lease_expires_at: now + ttlMs,
        fencing_token: this.db.raw('fencing_token + 1'),
      });
    if (updated !== 1) return undefined;
    const row = await this.db(REQUESTS).where({ id }).first();
    if (!row || row.lease_owner !== owner) return undefined;
    return { owner, token: Number(row.fencing_token) };
  }

  /** Extends a lease still held; false means it was lost. */
  async renewLease(
    id: string,
    lease: Lease,
    ttlMs: number,
    now = Date.now(),
  ): Promise<boolean> {
    const updated = await this.db(REQUESTS)
      .where({ id, lease_owner: lease.owner, fencing_token: lease.token })
      .where('lease_expires_at', '>=', now)
      .update({ lease_expires_at: now + ttlMs });
    return updated === 1;
  }

  async releaseLease(id: string, lease: Lease): Promise<void> {
    await this.db(REQUESTS)
      .where({ id, lease_owner: lease.owner, fencing_token: lease.token })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  /** Whether the lease is still held and unexpired: checked before every cluster write. */
  async holdsLease(
    id: string,
    lease: Lease,
    now = Date.now(),
  ): Promise<boolean> {
    const row = await this.db(REQUESTS)
      .where({ id, lease_owner: lease.owner, fencing_token: lease.token })
      .where('lease_expires_at', '>=', now)
      .whereIn('state', ['approved', 'running'])
      .first('id');
    return Boolean(row);
  }

  /** Approved or running requests whose lease is free or expired. */
  async findRunnable(limit: number, now = Date.now()): Promise<string[]> {
    const rows = await this.db(REQUESTS)
      .whereIn('state', ['approved', 'running'])
      .where(q =>
        q.whereNull('lease_owner').orWhere('lease_expires_at', '<', now),
      )
      .orderBy('requested_at', 'asc')
      .limit(limit)
      .select('id');
    return rows.map(r => r.id);
  }
}
