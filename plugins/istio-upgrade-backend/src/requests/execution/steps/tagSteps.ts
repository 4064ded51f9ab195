import { checkTargetStillReady } from './checkTargetStillReady';
import { retargetSailTag } from '../retargetSailTag';
import { StepRunner, patchesOf } from './StepRun';

/**
 * `repoint-tag` and its rollback: the tag's webhooks and Service point at the revision (or, where Sail
 * manages the tag, its IstioRevisionTag targets it and Sail rewrites them).
 */
export const tagSteps: StepRunner = {
  handles: name => name === 'repoint-tag' || name === 'rollback-repoint-tag',
  async run({ request, ctx, actions }, name) {
    const { plan } = request;
    const forward = name === 'repoint-tag';
    if (forward) await checkTargetStillReady(request, ctx);
    const revision = (forward ? plan.toRevision : plan.fromRevision)!;
    const [sail] = patchesOf(
      'repoint-tag',
      forward ? plan.patches : plan.rollbackPatches,
    ).filter(p => p.kind === 'IstioRevisionTag');
    if (sail) {
      await retargetSailTag(ctx, sail, request.target.tag!, revision);
      return;
    }
    await actions.repointTag(request.target.tag!, revision);
  },
};
