import { StepContext, StepFailure } from './stepContext';

/** Polls until `check` finds no reason to wait, or fails after `timeoutMs` with the last reason. */
export async function waitUntil(
  ctx: StepContext,
  timeoutMs: number,
  check: () => Promise<string | undefined>,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason = await check();
  let told = false;
  while (reason !== undefined) {
    if (Date.now() >= deadline) {
      throw new StepFailure(
        `${what} did not happen within ${Math.round(
          timeoutMs / 1000,
        )} s: ${reason}`,
      );
    }
    if (!told) {
      await ctx.event('info', `Waiting: ${reason}`);
      told = true;
    }
    ctx.checkStopped();
    await ctx.sleep(ctx.pollIntervalMs);
    reason = await check();
  }
}
