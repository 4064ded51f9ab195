import { StoredRequest } from '../../RequestStore';
import { StepContext, StepFailure } from '../stepContext';
import { patchesOf } from './StepRun';

/**
 * Before a risky write: the target's control plane (for a cutover, the target gateway) must still be
 * ready.
 *
 * @throws StepFailure when it is not: the step writes nothing
 */
export async function checkTargetStillReady(
  request: StoredRequest,
  ctx: StepContext,
): Promise<void> {
  const inventory = await ctx.inventory();
  const to = request.plan.toRevision;
  if (request.type === 'gateway-cutover') {
    const [forward] = patchesOf('switch-selector', request.plan.patches);
    const gateway = inventory.gateways.find(
      g =>
        g.namespace === forward.namespace &&
        g.revision === to &&
        g.readyReplicas > 0,
    );
    if (!gateway) {
      throw new StepFailure(
        `The ${to} gateway has no ready replica any more; nothing was switched`,
      );
    }
    return;
  }
  const revision =
    inventory.controlPlanes.find(cp => cp.revision === to) ??
    inventory.controlPlanes.find(
      cp => cp.revision === inventory.tags.find(t => t.name === to)?.revision,
    );
  if (!revision?.ready) {
    throw new StepFailure(
      `Control plane ${to} is not ready any more (${
        revision ? `${revision.readyReplicas}/${revision.replicas}` : 'gone'
      }); stopped before this step's writes`,
    );
  }
}
