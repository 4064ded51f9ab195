import { RequestState } from '../schema';

/**
 * States in which a request holds its target (one such request per target) and can still change:
 * waiting for approval, approved, or running.
 *
 * @public
 */
export const ACTIVE_REQUEST_STATES = [
  'pending-approval',
  'approved',
  'running',
] as const satisfies ReadonlyArray<RequestState>;

/**
 * States a request never leaves.
 *
 * @public
 */
export const FINAL_REQUEST_STATES = [
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'cancelled',
] as const satisfies ReadonlyArray<RequestState>;

/**
 * Whether a request in `state` still holds its target and can still change.
 *
 * @public
 */
export function isActiveRequestState(state: RequestState): boolean {
  return (ACTIVE_REQUEST_STATES as ReadonlyArray<RequestState>).includes(state);
}

/**
 * Whether a request in `state` has ended for good.
 *
 * @public
 */
export function isFinalRequestState(state: RequestState): boolean {
  return (FINAL_REQUEST_STATES as ReadonlyArray<RequestState>).includes(state);
}
