import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { Plan } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { Actor } from '../../permissions/RequestAuthorizer';
import { planRollback } from '../planning/planRollback';
import { Approval, RequestApproval } from '../RequestApproval';
import { ChangeSpec, RequestPlanner } from '../RequestPlanner';
import { StoredRequest } from '../RequestStore';

/** A request ready to be stored: its plan, the key of its target, and who must approve it. */
export interface PlannedRequest {
  plan: Plan;
  targetKey: string;
  approval: Approval;
}

/**
 * Plans a new request against the cluster as it is now; a rollback follows the plan it undoes.
 *
 * @throws InputError when a precheck fails: nothing is requested
 */
export async function planRequest(
  context: { planner: RequestPlanner; approval: RequestApproval },
  spec: ChangeSpec,
  asker: {
    actor: Actor;
    entity: Entity | undefined;
    credentials: BackstageCredentials;
  },
  rollbackOf: StoredRequest | undefined,
): Promise<PlannedRequest> {
  const { planner, approval } = context;
  const { actor, entity, credentials } = asker;
  const planned = await planner.plan(spec, { rollback: Boolean(rollbackOf) });
  const shared = rollbackOf
    ? undefined
    : await approval.sharedWith(spec, actor, credentials);
  const plan = rollbackOf
    ? planRollback(rollbackOf.plan).plan
    : { ...planned.plan, ...(shared ? { sharedWith: shared } : {}) };
  if (!planned.passed) {
    throw new InputError(
      `Prechecks failed, nothing was requested: ${planned.prechecks
        .filter(c => c.status === 'fail')
        .map(c => c.message)
        .join('; ')}`,
    );
  }
  return {
    plan,
    targetKey: planned.targetKey,
    approval: await approval.approvalFor(spec.type, actor, entity, shared),
  };
}
