import { InputError } from '@backstage/errors';
import {
  Plan,
  PlannedPatch,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** The step of a rollback request that undoes a control-plane step. */
export function undoStepOf(step: string): string {
  if (step === 'install-control-plane') return 'undo-install-control-plane';
  return step.replace(/^remove-/, 'restore-');
}

/**
 * The plan that undoes a plan: its rollback patches first (labels, selector or tag as they were), then
 * restarts of the same workloads in the same waves, so that every pod goes back to the revision it came
 * from. What the original did becomes this plan's rollback.
 */
export function planRollback(original: Plan): { revision: string; plan: Plan } {
  if (!original.fromRevision || !original.rollbackPatches?.length) {
    throw new InputError(
      'This request cannot be rolled back: nothing records what it changed from',
    );
  }
  const forward = original.patches.filter(
    p => !p.step.startsWith('restart-wave-'),
  );
  const restarts = original.patches.filter(p =>
    p.step.startsWith('restart-wave-'),
  );
  // A control plane's undo runs as steps of their own (re-create, restore), named after what they undo.
  const undo: PlannedPatch[] = original.rollbackPatches.map(p =>
    original.controlPlane ? { ...p, step: undoStepOf(p.step) } : { ...p },
  );
  return {
    revision: original.fromRevision,
    plan: {
      summary: `Roll back: ${original.summary
        .charAt(0)
        .toLowerCase()}${original.summary.slice(1)} — undone, back to ${
        original.fromRevision
      }`,
      fromRevision: original.toRevision,
      toRevision: original.fromRevision,
      patches: [...undo, ...restarts],
      rollbackPatches: forward.map(p => {
        // A rollback of the rollback must not be conditional on a resourceVersion long gone.
        if (p.kind === 'Service') {
          return {
            ...p,
            patch: { spec: (p.patch as { spec?: object }).spec ?? {} },
            precondition: undefined,
          };
        }
        if (p.kind === 'Gateway') {
          const labels = (p.patch as { metadata?: { labels?: object } })
            .metadata?.labels;
          return {
            ...p,
            patch: { metadata: { labels: labels ?? {} } },
            precondition: undefined,
          };
        }
        return p;
      }),
      waves: original.waves,
      skipped: original.skipped ?? [],
      podsInScope: original.podsInScope,
      ...(original.namespaces ? { namespaces: original.namespaces } : {}),
      ...(original.controlPlane ? { controlPlane: original.controlPlane } : {}),
    },
  };
}
