import { RequestState } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

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
