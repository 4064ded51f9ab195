import {
  isActiveRequestState,
  RequestState,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** Whether the request still holds its target (and so still changes); a filter for request lists. */
export function isActiveRequest(request: Pick<UpgradeRequest, 'state'>) {
  return isActiveRequestState(request.state);
}

/** What a person reads for each state. */
export const REQUEST_STATE_LABELS: Record<RequestState, string> = {
  'pending-approval': 'Waiting for approval',
  approved: 'Approved',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  'rolled-back': 'Rolled back',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

/** What a person reads for each request type. */
export const REQUEST_TYPE_LABELS: Record<UpgradeRequest['type'], string> = {
  'namespace-migration': 'Namespace migration',
  'gateway-cutover': 'Gateway cutover',
  'revision-tag-move': 'Revision tag move',
  'gateway-move': 'Gateway move',
  'control-plane-install': 'Control plane install',
  'control-plane-removal': 'Control plane removal',
};

/**
 * The request's target in one line: a namespace, a gateway Service, a Gateway, a tag or a control
 * plane.
 */
export function describeTarget(
  request: Pick<UpgradeRequest, 'target' | 'type'> &
    Partial<Pick<UpgradeRequest, 'revision'>>,
): string {
  const { namespace, service, gateway, tag, version } = request.target;
  if (request.type === 'control-plane-install') {
    return `control plane ${request.revision ?? '?'} (Istio ${version ?? '?'})`;
  }
  if (request.type === 'control-plane-removal') {
    return `control plane ${request.revision ?? '?'}`;
  }
  if (request.type === 'gateway-cutover') {
    return `Service ${namespace ?? '?'}/${service ?? '?'}`;
  }
  if (request.type === 'gateway-move') {
    return `Gateway ${namespace ?? '?'}/${gateway ?? '?'}`;
  }
  if (request.type === 'revision-tag-move') {
    return `tag ${tag ?? '?'}`;
  }
  return `namespace ${namespace ?? '?'}`;
}
