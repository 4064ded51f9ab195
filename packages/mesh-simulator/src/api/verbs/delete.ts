import { sendJson } from '../responses';
import { ApiError, badRequest } from '../statusErrors';
import {
  ClusterApiBackend,
  currentOrNotFound,
  isDryRun,
  requireObjectBody,
  ResourceRequest,
} from './resourceRequest';

/** Serves `delete`: preconditions, propagation policy, grace period and dry run. */
export function handleDelete(backend: ClusterApiBackend, r: ResourceRequest) {
  const options = r.body.trim() ? requireObjectBody(r) : {};
  const current = currentOrNotFound(backend, r);
  const pre = (options as any).preconditions ?? {};
  if (pre.uid && pre.uid !== current.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${r.rt.resource} "${r.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (
    pre.resourceVersion &&
    pre.resourceVersion !== current.metadata.resourceVersion
  ) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${r.rt.resource} "${r.name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
    );
  }
  const propagation =
    (options as any).propagationPolicy ??
    r.query.get('propagationPolicy') ??
    'Background';
  if (!['Orphan', 'Background', 'Foreground'].includes(propagation)) {
    throw badRequest(`unsupported propagationPolicy: ${propagation}`);
  }
  if (isDryRun(r.query) || (options as any).dryRun?.includes?.('All')) {
    sendJson(r.res, 200, current);
    return;
  }
  const graceText =
    (options as any).gracePeriodSeconds ??
    r.query.get('gracePeriodSeconds') ??
    undefined;
  const grace =
    graceText === undefined || graceText === null
      ? undefined
      : Number(graceText);
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
    throw badRequest(`invalid gracePeriodSeconds: ${graceText}`);
  }
  const deleted = backend.deleteObject(
    r.rt,
    r.namespace,
    r.name!,
    propagation,
    grace,
  );
  sendJson(r.res, 200, deleted);
}
