import { timestamp } from '../controllers/clusterContext';
import type { ClusterContext } from '../controllers/clusterContext';
import type { ResourceType } from '../api/resourceTypes';
import type { KubeObject } from '../store/kubeObject';

/**
 * Status conditions as Sail writes them (`api/v1/condition.go`, `pkg/reconciler`): a condition keeps
 * its `lastTransitionTime` while its status stays the same, the state is the reason of the first
 * condition that is not True, and the status is written only when it changed.
 */

/** One status condition (`v1.StatusCondition`); `reason` and `message` are omitted when empty. */
export interface SailCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** A condition; an empty message is left out, as Go's `omitempty` does. */
export function condition(
  type: string,
  status: SailCondition['status'],
  reason: string,
  message?: string,
): SailCondition {
  return { type, status, reason, ...(message ? { message } : {}) };
}

/** The condition of a type, Unknown when absent (`GetCondition`). */
export function getCondition(
  conditions: SailCondition[] | undefined,
  type: string,
): SailCondition {
  return (
    (conditions ?? []).find(c => c.type === type) ?? {
      type,
      status: 'Unknown',
    }
  );
}

/**
 * Sets a condition (`SetCondition`): its transition time is now when its status changes (or it is
 * new), else the one it had.
 */
export function setCondition(
  ctx: ClusterContext,
  conditions: SailCondition[],
  next: SailCondition,
): SailCondition[] {
  const { lastTransitionTime: _ignored, ...rest } = next;
  const existing = conditions.findIndex(c => c.type === next.type);
  if (existing < 0) {
    return [...conditions, { ...rest, lastTransitionTime: timestamp(ctx) }];
  }
  const previous = conditions[existing];
  const lastTransitionTime =
    previous.status !== next.status
      ? timestamp(ctx)
      : previous.lastTransitionTime;
  const out = [...conditions];
  out[existing] = {
    ...rest,
    ...(lastTransitionTime ? { lastTransitionTime } : {}),
  };
  return out;
}

/** The reason of the first condition that is not True, else `healthy` (`DeriveState`). */
export function deriveState(
  healthy: string,
  ...conditions: SailCondition[]
): string | undefined {
  const failing = conditions.find(c => c.status !== 'True');
  return failing ? failing.reason : healthy;
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b);

/** Writes an object's status when it differs from the stored one (`reconciler.UpdateStatus`). */
export function writeStatus(
  ctx: ClusterContext,
  rt: ResourceType,
  object: KubeObject,
  status: Record<string, unknown>,
) {
  if (same(object.status, status)) return;
  const current = ctx.store.get(rt, undefined, object.metadata.name);
  if (!current) return;
  ctx.store.replace(rt, { ...current, status });
}

/** The message of an error a reconciler met, as Go's `err.Error()` prints it. */
export class SailError extends Error {
  constructor(
    message: string,
    /** The condition reason it maps to, when not the generic `ReconcileError`. */
    readonly reason?: 'NameAlreadyExists' | 'RefNotFound',
  ) {
    super(message);
  }
}

/**
 * `Reconciled` after a reconcile: True, or False with the error's own reason (`NameAlreadyExists`,
 * `RefNotFound`) and message, else `ReconcileError`.
 */
export function reconciledCondition(
  error: SailError | undefined,
): SailCondition {
  if (!error) return condition('Reconciled', 'True', 'Reconciled');
  if (error.reason) {
    return condition('Reconciled', 'False', error.reason, error.message);
  }
  return condition(
    'Reconciled',
    'False',
    'ReconcileError',
    `error reconciling resource: ${error.message}`,
  );
}

/** `InUse` of a revision or tag, with Sail's reasons and messages. */
export function inUseCondition(inUse: boolean): SailCondition {
  return inUse
    ? condition(
        'InUse',
        'True',
        'ReferencedByWorkloads',
        'Referenced by at least one pod or namespace',
      )
    : condition(
        'InUse',
        'False',
        'NotReferencedByAnything',
        'Not referenced by any pod or namespace',
      );
}

/** Sets each condition in turn (see {@link setCondition}). */
export function setConditions(
  ctx: ClusterContext,
  conditions: SailCondition[] | undefined,
  next: SailCondition[],
): SailCondition[] {
  return next.reduce((all, c) => setCondition(ctx, all, c), conditions ?? []);
}

/** `reconciler.NewValidationError`. */
export const validationError = (message: string) =>
  new SailError(`validation error: ${message}`);

const pendingRetries = new WeakMap<ClusterContext, Set<string>>();

/**
 * Requeues a key whose reconcile failed, as controller-runtime retries an error (with a growing
 * backoff there; once, ten simulated seconds later, here), keeping one retry per key.
 */
export function retryLater(
  ctx: ClusterContext,
  controller: string,
  key: string,
) {
  let pending = pendingRetries.get(ctx);
  if (!pending) {
    pending = new Set();
    pendingRetries.set(ctx, pending);
  }
  const id = `${controller}|${key}`;
  if (pending.has(id)) return;
  pending.add(id);
  ctx.loop.enqueueAt(controller, key, ctx.clock.now() + 10_000);
}

/** Forgets a key's pending retry once it is reconciled. */
export function retried(ctx: ClusterContext, controller: string, key: string) {
  pendingRetries.get(ctx)?.delete(`${controller}|${key}`);
}
