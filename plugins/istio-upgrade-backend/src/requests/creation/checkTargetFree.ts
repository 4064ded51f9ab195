import { ConflictError } from '@backstage/errors';
import { CreateRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { Actor } from '../../permissions/RequestAuthorizer';
import { checkTarget, targetKeyOf } from '../RequestPlanner';
import { RequestStore } from '../RequestStore';

/**
 * A busy target is a conflict whatever the prechecks would say about it, unless the active request is
 * the one this body's idempotency key already made.
 *
 * @throws ConflictError when another request is active on the target
 */
export async function checkTargetFree(
  store: Pick<RequestStore, 'activeFor'>,
  body: CreateRequest,
  actor: Actor,
): Promise<void> {
  checkTarget(body.type, body.target);
  const busy = await store.activeFor(
    body.cluster,
    targetKeyOf(body.type, body.target, body.revision),
  );
  const retried =
    busy &&
    body.idempotencyKey &&
    busy.idempotencyKey === body.idempotencyKey &&
    busy.requestedBy === actor.ref;
  if (busy && !retried) {
    throw new ConflictError(
      `${busy.targetKey} in cluster ${busy.cluster} already has an active request (${busy.id}, ${busy.state})`,
    );
  }
}
