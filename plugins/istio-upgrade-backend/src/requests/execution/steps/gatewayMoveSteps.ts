import { GatewayMoveGate } from '../GatewayMoveGate';
import { checkTargetStillReady } from './checkTargetStillReady';
import { StepRunner, patchesOf } from './StepRun';

const RELABEL = ['relabel-gateway', 'rollback-relabel-gateway'];
const VERIFY = [
  'verify-gateway',
  'gateway-watch-window',
  'rollback-verify-gateway',
];

/**
 * A gateway move: `relabel-gateway` and its rollback, then `verify-gateway` (its pods run the new
 * revision) and `gateway-watch-window` (they stay ready), or `rollback-verify-gateway`.
 */
export const gatewayMoveSteps: StepRunner = {
  handles: name => RELABEL.includes(name) || VERIFY.includes(name),
  async run({ request, spec, ctx, actions }, name) {
    const { plan } = request;
    const [forward] = patchesOf('relabel-gateway', plan.patches);
    const [back] = patchesOf('relabel-gateway', plan.rollbackPatches);
    if (name === 'relabel-gateway') {
      await checkTargetStillReady(request, ctx);
      await actions.relabelGateway(forward);
      return;
    }
    if (name === 'rollback-relabel-gateway') {
      await actions.relabelGateway(back);
      return;
    }
    const gate = new GatewayMoveGate(ctx, actions, forward);
    if (name === 'verify-gateway') await gate.verify(plan.toRevision);
    else if (name === 'rollback-verify-gateway')
      await gate.verify(plan.fromRevision);
    else
      await gate.watch(plan.toRevision, spec.options.watchWindowSeconds, back);
  },
};
