import { KubernetesApiError } from '../../kubernetes/KubernetesApiError';
import { StepContext } from './stepContext';

/** Reads and retries of a conditional write that keeps meeting changes (409) before it gives up. */
const CONFLICT_ATTEMPTS = 5;

const isConflict = (error: unknown) =>
  error instanceof KubernetesApiError && error.status === 409;

/**
 * One conditional write, fenced up to the cluster: `prepare` reads the object, and its
 * resourceVersion goes into the write, before the write checks the lease. A replica frozen after that
 * check sends a resourceVersion that is stale by the time it wakes if another replica has since
 * written the object, and the API server refuses it (409): it writes nothing. A refusal is read
 * again and retried, which checks the lease again; `prepare` returns undefined when nothing is left
 * to write.
 */
export async function conditionalWrite(
  ctx: StepContext,
  prepare: () => Promise<
    { description: string; write: () => Promise<unknown> } | undefined
  >,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    ctx.checkStopped();
    const next = await prepare();
    if (!next) return;
    try {
      await ctx.write(next.description, next.write);
      return;
    } catch (error) {
      if (!isConflict(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
      await ctx.event(
        'step',
        `${next.description}: the object changed meanwhile (409); reading it again`,
      );
    }
  }
}
