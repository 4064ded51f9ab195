import { checkTargetStillReady } from './checkTargetStillReady';
import { StepRunner } from './StepRun';

/** `repoint-tag` and its rollback: the tag's webhooks and Service point at the revision. */
export const tagSteps: StepRunner = {
  handles: name => name === 'repoint-tag' || name === 'rollback-repoint-tag',
  async run({ request, ctx, actions }, name) {
    const { plan } = request;
    const forward = name === 'repoint-tag';
    if (forward) await checkTargetStillReady(request, ctx);
    await actions.repointTag(
      request.target.tag!,
      (forward ? plan.toRevision : plan.fromRevision)!,
    );
  },
};
