import { PlannedPatch } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { StepContext, StepFailure } from '../stepContext';
import { StepRun } from './StepRun';

/** The pods the Service selects now (after the switch: the target gateway's), by name. */
async function selectedPods(
  ctx: StepContext,
  namespace: string,
  selector: string,
): Promise<Set<string>> {
  if (!selector) return new Set();
  const pods = await ctx.api.listPodMetadata(namespace, selector);
  return new Set(pods.map(p => p.metadata.name));
}

/**
 * Waits until the Service has ready endpoints of the new gateway on every port (`windowSeconds` 0),
 * or watches them for the window and reverts the selector at once if they vanish.
 */
export async function watchEndpoints(
  { request, ctx, actions }: StepRun,
  switched: { forward: PlannedPatch; back: PlannedPatch },
  windowSeconds: number,
): Promise<void> {
  const { forward, back } = switched;
  const namespace = forward.namespace!;
  const service = await ctx.api.readService(namespace, forward.name);
  const wantedPorts = (service.spec?.ports ?? []).map(p => ({
    name: p.name,
    port: String(p.targetPort ?? p.port),
  }));
  // The target gateway's pods are the ones the Service's selector (switched by the step before)
  // selects: followed by that selector, whatever the gateways are named.
  const selector = Object.entries(service.spec?.selector ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const targetName = `the pods of ${selector || request.plan.toRevision}`;
  const deadline =
    Date.now() +
    (windowSeconds > 0 ? windowSeconds * 1000 : ctx.rolloutTimeoutMs);
  for (;;) {
    ctx.checkStopped();
    const [{ pods, ports }, selected] = await Promise.all([
      actions.readyEndpoints(namespace, forward.name),
      selectedPods(ctx, namespace, selector),
    ]);
    const ready = [...pods].filter(pod => selected.has(pod));
    const missing = wantedPorts.filter(
      p => !(p.name && ports.has(p.name)) && !ports.has(p.port),
    );
    const missingNames = missing.map(p => p.name ?? p.port).join(', ');
    const healthy = ready.length > 0 && missing.length === 0;
    if (windowSeconds === 0 && healthy) {
      await ctx.progress(ready.length);
      await ctx.event(
        'step',
        `${forward.name} has ${ready.length} ready endpoints of ${targetName} on every port`,
      );
      return;
    }
    if (windowSeconds > 0 && !healthy) {
      await ctx.event(
        'error',
        `${forward.name} lost its endpoints (${ready.length} ready${
          missing.length ? `, missing ports ${missingNames}` : ''
        }): reverting the selector at once`,
      );
      await actions.switchSelector(back, undefined);
      throw new StepFailure(
        `${forward.name} lost its ready endpoints during the watch window; the selector was reverted`,
      );
    }
    if (Date.now() > deadline) {
      if (windowSeconds > 0) {
        await ctx.event(
          'step',
          `${forward.name} kept ready endpoints for ${windowSeconds} s`,
        );
        return;
      }
      throw new StepFailure(
        `${
          forward.name
        } has no ready endpoints of ${targetName} on every port (${
          ready.length
        } ready pods, missing ${missingNames || 'none'})`,
      );
    }
    await ctx.sleep(ctx.pollIntervalMs);
  }
}
