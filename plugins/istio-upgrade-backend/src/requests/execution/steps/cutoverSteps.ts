import { PlannedPatch } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { checkTargetStillReady } from './checkTargetStillReady';
import { StepRunner, patchesOf } from './StepRun';
import { watchEndpoints } from './watchEndpoints';

const selectorOf = (p?: PlannedPatch) =>
  (p?.patch as { spec?: { selector?: Record<string, string> } } | undefined)
    ?.spec?.selector;

/**
 * A gateway cutover: `switch-selector` (and its rollback) points the Service at the new gateway, then
 * `verify-endpoints` waits for its endpoints and `watch-window` watches them.
 */
export const cutoverSteps: StepRunner = {
  handles: name =>
    [
      'switch-selector',
      'rollback-switch-selector',
      'verify-endpoints',
      'watch-window',
    ].includes(name),
  async run(run, name) {
    const { request, spec, ctx, actions } = run;
    const { plan } = request;
    const [forward] = patchesOf('switch-selector', plan.patches);
    const [back] = patchesOf('switch-selector', plan.rollbackPatches);
    if (name === 'switch-selector') {
      await checkTargetStillReady(request, ctx);
      await actions.switchSelector(forward, selectorOf(back));
    } else if (name === 'rollback-switch-selector') {
      await actions.switchSelector(back, undefined);
    } else {
      await watchEndpoints(
        run,
        { forward, back },
        name === 'watch-window' ? spec.options.watchWindowSeconds : 0,
      );
    }
  },
};
