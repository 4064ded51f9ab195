import { PlannedWorkload } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { WorkloadKind } from '../../kubernetes/ClusterApi';
import { judgeRollout, RolloutObject } from '../rolloutStatus';
import { countMigrated, key, resolveRevision } from './rolloutProgress';
import { StepContext, StepFailure } from './stepContext';

/** A Deployment whose every replica has been replaced by a new pod: its rollout is in its last step. */
function allReplicasUpdated(kind: string, object: any): boolean {
  return (
    kind === 'Deployment' &&
    (object.status?.observedGeneration ?? 0) >=
      (object.metadata?.generation ?? 0) &&
    (object.status?.updatedReplicas ?? 0) >= (object.spec?.replicas ?? 1)
  );
}

/**
 * Waits until every workload's rollout is done as `kubectl rollout status` judges it, reporting the
 * pods on `revision` as progress. A rollout past its progress deadline, unable to create pods, or not
 * done within the rollout timeout fails the step.
 *
 * The workloads are read from the API server once per poll interval — the first time one poll
 * interval after the restarts, which cannot be done sooner — and every quarter second (at most
 * sixteen times in a row) once a read found every replica replaced by a new pod: the last step.
 * Progress comes from the inventory (kept current by the watches, free for the API server), every
 * quarter second, written when it changes.
 */
export async function waitForRollouts(
  ctx: StepContext,
  workloads: PlannedWorkload[],
  progressScope: PlannedWorkload[],
  revision: string | undefined,
): Promise<void> {
  const deadline = Date.now() + ctx.rolloutTimeoutMs;
  const tick = Math.min(ctx.pollIntervalMs, 250);
  const pending = new Map(workloads.map(w => [key(w), w]));
  /** Per workload: the verdict last read, since when, and when a stall's cause was last looked for. */
  const verdicts = new Map<
    string,
    { message: string; since: number; causeCheckedAt: number }
  >();
  let lastMessage = '';
  let nextRead = Date.now() + ctx.pollIntervalMs;
  let quickReads = 0;
  let lastProgress = -1;
  for (;;) {
    ctx.checkStopped();
    const inventory = await ctx.inventory();
    const resolved = resolveRevision(inventory, revision);
    const { migrated } = countMigrated(inventory, progressScope, resolved);
    if (migrated !== lastProgress) {
      lastProgress = migrated;
      await ctx.progress(migrated);
    }
    if (pending.size === 0) return;
    if (Date.now() >= nextRead) {
      let nearEnd = false;
      for (const [k, w] of [...pending]) {
        const object = await ctx.api.readWorkload(
          w.kind as WorkloadKind,
          w.namespace,
          w.name,
        );
        const verdict = judgeRollout({
          ...(object as unknown as RolloutObject),
          kind: w.kind as RolloutObject['kind'],
        });
        if (verdict.state === 'failed') {
          throw new StepFailure(verdict.message);
        }
        if (verdict.state === 'done') {
          pending.delete(k);
          await ctx.event('step', verdict.message);
          continue;
        }
        lastMessage = verdict.message;
        nearEnd ||= allReplicasUpdated(w.kind, object);
        // Pods that cannot be created stall a rollout: look for the cause when it has not moved
        // for a poll interval, once per poll interval.
        const now = Date.now();
        const seen = verdicts.get(k);
        const last =
          seen?.message === verdict.message
            ? seen
            : { message: verdict.message, since: now, causeCheckedAt: 0 };
        verdicts.set(k, last);
        if (
          w.kind === 'Deployment' &&
          now - last.since >= ctx.pollIntervalMs &&
          now - last.causeCheckedAt >= ctx.pollIntervalMs
        ) {
          last.causeCheckedAt = now;
          await checkFailedCreate(ctx, w, object);
        }
      }
      quickReads = nearEnd ? quickReads + 1 : 0;
      nextRead =
        Date.now() + (nearEnd && quickReads <= 16 ? tick : ctx.pollIntervalMs);
      // Once more through the loop for the final progress.
      if (pending.size === 0) continue;
    }
    if (Date.now() > deadline) {
      throw new StepFailure(
        `Rollouts stalled: ${[...pending.values()]
          .map(w => w.name)
          .join(', ')} not done within ${Math.round(
          ctx.rolloutTimeoutMs / 1000,
        )} s (${lastMessage})`,
      );
    }
    await ctx.sleep(tick);
  }
}

/** A ReplicaSet that cannot create pods (a failing injection webhook) fails the rollout at once. */
async function checkFailedCreate(
  ctx: StepContext,
  w: PlannedWorkload,
  object: any,
): Promise<void> {
  const labels = object.spec?.selector?.matchLabels as
    | Record<string, string>
    | undefined;
  if (!labels) return;
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const sets = await ctx.api.listReplicaSets(w.namespace, selector);
  const newest = sets
    .filter(rs => rs.metadata?.ownerReferences?.some(o => o.name === w.name))
    .sort(
      (a, b) =>
        Number(
          b.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
        ) -
        Number(
          a.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
        ),
    )[0];
  const failure = newest?.status?.conditions?.find(
    c => c.type === 'ReplicaFailure' && c.status === 'True',
  );
  if (failure) {
    throw new StepFailure(
      `${w.kind} ${w.namespace}/${w.name} cannot create pods (${
        failure.reason
      }): ${failure.message ?? ''}`.trim(),
    );
  }
}
