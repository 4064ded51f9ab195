import { NewEvent, StoredRequest, StoredStep } from './RequestStore';

/** The tables of the request store. */
export const REQUESTS = 'istio_upgrade_requests';
export const STEPS = 'istio_upgrade_request_steps';
export const EVENTS = 'istio_upgrade_request_events';

/** A timestamp as the tables keep it. */
export const nowIso = () => new Date().toISOString();

/** A nullable column as an optional field. */
export function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

/** A row of the requests table as a request. */
export function toRequest(row: any): StoredRequest {
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
    campaignId: optional(row.campaign_id),
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

/** A row of the steps table as a step. */
export function toStep(row: any): StoredStep {
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

/** Whether a write failed on a unique index, on any supported engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed|duplicate key value/i.test(e?.message ?? '')
  );
}

/** A row of the event log. */
export function eventRow(requestId: string, event: NewEvent, at = nowIso()) {
  return {
    request_id: requestId,
    at,
    type: event.type,
    message: event.message,
    actor: event.actor ?? null,
  };
}
