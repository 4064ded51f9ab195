import { randomUUID } from 'node:crypto';
import { CreateRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { Actor } from '../../permissions/RequestAuthorizer';
import { stepsForPlan } from '../planning/stepsForPlan';
import { NewEvent, NewRequest, NewStep, StoredRequest } from '../RequestStore';
import { PlannedRequest } from './plannedRequest';

/** What the store is given for a new request: the request, its steps and its first event. */
export interface NewRequestRecord {
  request: NewRequest;
  steps: NewStep[];
  event: NewEvent;
}

/** A new request as the store keeps it: waiting for approval, or approved at once. */
export function newRequestRecord(
  body: CreateRequest,
  actor: Actor,
  planned: PlannedRequest,
  rollbackOf: StoredRequest | undefined,
): NewRequestRecord {
  const { plan, targetKey, approval } = planned;
  return {
    request: {
      id: randomUUID(),
      type: body.type,
      state: approval.required ? 'pending-approval' : 'approved',
      cluster: body.cluster,
      targetKey,
      target: body.target,
      revision: body.revision,
      entityRef: body.entityRef,
      requestedBy: actor.ref,
      idempotencyKey: body.idempotencyKey,
      rollbackOf: rollbackOf?.id,
      approvalRequired: approval.required,
      approvalReason: approval.reason,
      comment: body.comment,
      options: body.options ?? {},
      plan,
      podsInScope: plan.podsInScope,
    },
    steps: stepsForPlan(body.type, plan),
    event: {
      type: 'created',
      message: `${
        rollbackOf ? `Rollback of ${rollbackOf.id} asked` : 'Asked'
      } by ${actor.ref}; ${
        approval.required
          ? `waits for approval (${approval.reason})`
          : `approved (${approval.reason})`
      }`,
      actor: actor.ref,
    },
  };
}
