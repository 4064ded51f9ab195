import { RequestState } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** States in which a request holds its target: one such request per target. */
export const ACTIVE_STATES: RequestState[] = [
  'pending-approval',
  'approved',
  'running',
];

/** States a request never leaves. */
export const FINAL_STATES: RequestState[] = [
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'cancelled',
];

/** The states a decision may be taken from. */
export const DECISION_FROM: Record<
  'approve' | 'reject' | 'cancel' | 'rollback',
  RequestState[]
> = {
  approve: ['pending-approval'],
  reject: ['pending-approval'],
  // A running request is asked to stop at its next step boundary.
  cancel: ['pending-approval', 'approved', 'running'],
  rollback: ['succeeded', 'failed'],
};

/** Whether a request in `state` can still change. */
export function isActive(state: RequestState): boolean {
  return ACTIVE_STATES.includes(state);
}
