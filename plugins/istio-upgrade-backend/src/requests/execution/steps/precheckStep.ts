import { StepFailure } from '../stepContext';
import { StepRunner } from './StepRun';

/** `precheck`: the prechecks again, against the cluster as it is now, before any write. */
export const precheckStep: StepRunner = {
  handles: name => name === 'precheck',
  async run({ request, spec, ctx, planner }) {
    const checks = await planner.recheck(spec, {
      rollback: Boolean(request.rollbackOf),
    });
    for (const c of checks.filter(x => x.status !== 'pass')) {
      await ctx.event('precheck', `${c.status}: ${c.message}`);
    }
    const failed = checks.filter(c => c.status === 'fail');
    if (failed.length) {
      throw new StepFailure(
        `Prechecks failed, nothing was written: ${failed
          .map(c => c.message)
          .join('; ')}`,
      );
    }
  },
};
