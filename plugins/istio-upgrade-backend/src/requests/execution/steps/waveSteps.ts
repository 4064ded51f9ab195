import { StepRun, StepRunner, allWaveWorkloads } from './StepRun';
import { checkTargetStillReady } from './checkTargetStillReady';

const WAVE = /^(rollback-)?restart-wave-(\d+)$/;

/** `restart-wave-N` and its rollback: restarts a wave's workloads and waits for their rollouts. */
async function restartWave(
  { request, spec, ctx, actions }: StepRun,
  name: string,
): Promise<void> {
  const [, rollback, number] = WAVE.exec(name)!;
  const back = Boolean(rollback);
  const index = Number(number);
  const { plan } = request;
  const workloads = plan.waves.find(w => w.index === index)?.workloads ?? [];
  const pauseSeconds = spec.options.pauseBetweenWavesSeconds;
  if (!back && index > 1 && pauseSeconds > 0 && !ctx.detail().paused) {
    await ctx.saveDetail({ ...ctx.detail(), paused: true });
    await ctx.sleep(pauseSeconds * 1000);
  }
  // Checked after the pause, just before the restarts: the control plane may have gone meanwhile.
  if (!back) await checkTargetStillReady(request, ctx);
  await actions.restart(workloads);
  await actions.waitForRollouts(
    workloads,
    allWaveWorkloads(request),
    back ? plan.fromRevision : plan.toRevision,
  );
}

/** `verify` and its rollback: the waves' workloads (those restarted back) run the revision. */
async function verifyWaves(
  { request, actions, store }: StepRun,
  name: string,
): Promise<void> {
  const back = name === 'rollback-verify';
  const { plan } = request;
  const restarted = new Set(
    (await store.steps(request.id))
      .map(s => /^rollback-restart-wave-(\d+)$/.exec(s.name)?.[1])
      .filter(Boolean)
      .map(Number),
  );
  const workloads = back
    ? plan.waves.filter(w => restarted.has(w.index)).flatMap(w => w.workloads)
    : allWaveWorkloads(request);
  await actions.verify(
    plan,
    workloads,
    back ? plan.fromRevision : plan.toRevision,
  );
}

/** The restart waves of a migration or tag move, and the verification after them. */
export const waveSteps: StepRunner = {
  handles: name =>
    WAVE.test(name) || name === 'verify' || name === 'rollback-verify',
  run: (run, name) =>
    WAVE.test(name) ? restartWave(run, name) : verifyWaves(run, name),
};
