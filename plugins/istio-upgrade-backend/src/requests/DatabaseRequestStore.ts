import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { isActiveRequestState } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { Knex } from 'knex';
import { LeasedRows } from '../database/leasedRows';
import { pluginDatabase } from '../database/pluginDatabase';
import {
  eventRow,
  EVENTS,
  isUniqueViolation,
  nowIso,
  optional,
  REQUESTS,
  STEPS,
  toRequest,
  toStep,
} from './requestRows';
import {
  Lease,
  NewEvent,
  NewRequest,
  NewStep,
  ProgressChange,
  RequestFilter,
  RequestStore,
  StepChange,
  StoredEvent,
  StoredRequest,
  StoredStep,
} from './RequestStore';

/**
 * The {@link RequestStore} in the plugin's database: state changes are conditional updates, the unique
 * `active_target` column refuses a second active request for a target, and fenced writes lock the
 * request's row for share.
 */
export class DatabaseRequestStore implements RequestStore {
  private readonly leases: LeasedRows;

  private constructor(private readonly db: Knex) {
    this.leases = new LeasedRows(db, REQUESTS, ['approved', 'running']);
  }

  /** Connects to the plugin's database and brings its tables up to date, unless told not to. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseRequestStore> {
    const db = await pluginDatabase(options);
    return new DatabaseRequestStore(db);
  }

  async insert(
    request: NewRequest,
    steps: NewStep[],
    event: NewEvent,
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
          active_target: isActiveRequestState(request.state)
            ? `${request.cluster}/${request.targetKey}`
            : null,
          target: JSON.stringify(request.target),
          revision: request.revision,
          entity_ref: request.entityRef ?? null,
          requested_by: request.requestedBy,
          idempotency_key: request.idempotencyKey ?? null,
          rollback_of: request.rollbackOf ?? null,
          campaign_id: request.campaignId ?? null,
          decided_by: request.decidedBy ?? null,
          decided_at: request.decidedAt ?? null,
          decision_comment: request.decisionComment ?? null,
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
        await tx(EVENTS).insert(eventRow(request.id, event, at));
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

  async byIdempotencyKey(
    requestedBy: string,
    key: string,
  ): Promise<StoredRequest | undefined> {
    const row = await this.db(REQUESTS)
      .where({ requested_by: requestedBy, idempotency_key: key })
      .first();
    return row ? toRequest(row) : undefined;
  }

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

  async getMany(ids: string[]): Promise<StoredRequest[]> {
    const found: StoredRequest[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db(REQUESTS).whereIn('id', ids.slice(i, i + 500));
      found.push(...rows.map(toRequest));
    }
    return found;
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

  async appendEvent(
    id: string,
    event: NewEvent,
    lease?: Lease,
  ): Promise<boolean> {
    return this.fenced(id, lease, db => db(EVENTS).insert(eventRow(id, event)));
  }

  // The parameters are the interface's: id, from, to, change, event, lease.
  async transition(
    ...[id, from, to, change, event, lease]: Parameters<
      RequestStore['transition']
    >
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx(REQUESTS).where({ id }).first();
      if (!row) return false;
      const update: Record<string, unknown> = {
        state: to,
        updated_at: nowIso(),
        active_target: isActiveRequestState(to)
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
      if (!isActiveRequestState(to)) {
        update.lease_owner = null;
        update.lease_expires_at = null;
      }
      const query = tx(REQUESTS).where({ id }).whereIn('state', from);
      if (lease) {
        query.where({ lease_owner: lease.owner, fencing_token: lease.token });
      }
      const moved = await query.update(update);
      if (moved !== 1) return false;
      await tx(EVENTS).insert(eventRow(id, event));
      return true;
    });
  }

  async requestCancel(id: string): Promise<boolean> {
    const updated = await this.db(REQUESTS)
      .where({ id, state: 'running' })
      .update({ cancel_requested: true, updated_at: nowIso() });
    return updated === 1;
  }

  async setRolledBackBy(id: string, rollbackId: string): Promise<void> {
    await this.db(REQUESTS)
      .where({ id })
      .update({ rolled_back_by: rollbackId, updated_at: nowIso() });
  }

  async updateProgress(
    id: string,
    progress: ProgressChange,
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

  async updateStep(
    id: string,
    index: number,
    change: StepChange,
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

  async appendSteps(
    id: string,
    steps: NewStep[],
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

  acquireLease(
    id: string,
    owner: string,
    ttlMs: number,
    now = Date.now(),
  ): Promise<Lease | undefined> {
    return this.leases.acquire(id, owner, ttlMs, now);
  }

  renewLease(
    id: string,
    lease: Lease,
    ttlMs: number,
    now = Date.now(),
  ): Promise<boolean> {
    return this.leases.renew(id, lease, ttlMs, now);
  }

  releaseLease(id: string, lease: Lease): Promise<void> {
    return this.leases.release(id, lease);
  }

  async holdsLease(
    id: string,
    lease: Lease,
    now = Date.now(),
  ): Promise<boolean> {
    const row = await this.leases
      .whereHeld(this.db(REQUESTS).where({ id }), lease, now)
      .whereIn('state', ['approved', 'running'])
      .first('id');
    return Boolean(row);
  }

  findRunnable(limit: number, now = Date.now()): Promise<string[]> {
    return this.leases.findRunnable(limit, now);
  }
}
