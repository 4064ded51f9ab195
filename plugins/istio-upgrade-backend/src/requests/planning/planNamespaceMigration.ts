import {
  ClusterInventory,
  matchesLabelSelector,
  parseLabelSelector,
  Plan,
  PlannedPatch,
  PlannedWorkload,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { InputError } from '@backstage/errors';
import { podsInWaves, restartWavePatches } from './restartWaves';

export const LABEL_INJECTION = 'istio-injection';
export const LABEL_REV = 'istio.io/rev';

/** What a namespace migration is asked to do. */
export interface NamespaceMigrationInput {
  namespace: string;
  /** A revision, or a revision tag the namespace should follow. */
  revision: string;
  waveSize: number;
  restartScope: 'namespace' | 'entity';
  /** Selects the requesting entity's workloads, for the `entity` restart scope. */
  entitySelector?: string;
  /** The namespace's current labels, as read from the cluster. */
  namespaceLabels: Record<string, string>;
}

function restartable(workload: Workload): string | undefined {
  if (workload.paused) return 'paused: a restart does not roll it out';
  if (workload.onDelete)
    return 'OnDelete update strategy: a restart does not replace its pods';
  return undefined;
}

function waveWorkload(workload: Workload, note?: string): PlannedWorkload {
  return {
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    pods: workload.pods,
    ...(note ? { note } : {}),
  };
}

/**
 * The exact changes of moving a namespace to a revision: one merge patch of the namespace's labels
 * (`istio-injection` removed, `istio.io/rev` set), then `kubectl rollout restart` of its workloads in
 * waves. Paused workloads and OnDelete StatefulSets/DaemonSets are reported as skipped. The rollback
 * patch restores the labels as they are now.
 */
export function planNamespaceMigration(
  inventory: ClusterInventory,
  input: NamespaceMigrationInput,
): Plan {
  const namespace = inventory.namespaces.find(n => n.name === input.namespace);
  if (!namespace) {
    throw new InputError(
      `Namespace ${input.namespace} does not exist in cluster ${inventory.cluster.name}`,
    );
  }
  const labels = input.namespaceLabels;
  const labelPatch: Record<string, string | null> = {
    [LABEL_REV]: input.revision,
  };
  if (labels[LABEL_INJECTION] !== undefined) labelPatch[LABEL_INJECTION] = null;
  const restore: Record<string, string | null> = {
    [LABEL_REV]: labels[LABEL_REV] ?? null,
  };
  if (labels[LABEL_INJECTION] !== undefined) {
    restore[LABEL_INJECTION] = labels[LABEL_INJECTION];
  }

  const selector =
    input.restartScope === 'entity' && input.entitySelector
      ? parseLabelSelector(input.entitySelector)
      : undefined;
  const inScope = inventory.workloads
    .filter(w => w.namespace === input.namespace)
    .filter(
      w =>
        !selector ||
        matchesLabelSelector(selector, w.labels) ||
        matchesLabelSelector(selector, w.podLabels),
    )
    // Workloads whose pods have no sidecar (opted out, or none running) need no restart.
    .filter(w =>
      w.podsByRevision.some(r => r.revision !== undefined && r.count > 0),
    )
    .sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));

  const skipped = inScope
    .filter(w => restartable(w))
    .map(w => waveWorkload(w, restartable(w)));
  const restarting = inScope.filter(w => !restartable(w));
  const waves = [];
  for (let i = 0; i < restarting.length; i += input.waveSize) {
    waves.push({
      index: waves.length + 1,
      workloads: restarting
        .slice(i, i + input.waveSize)
        .map(w => waveWorkload(w)),
    });
  }

  const patches: PlannedPatch[] = [
    {
      step: 'relabel-namespace',
      kind: 'Namespace',
      name: input.namespace,
      patchType: 'merge',
      patch: { metadata: { labels: labelPatch } },
    },
    ...restartWavePatches(waves),
  ];
  const from = namespace.desiredRevision;
  const podsInScope = podsInWaves(waves);
  let modeNote = '';
  if (namespace.injectionMode === 'legacy')
    modeNote = ' (istio-injection=enabled)';
  else if (namespace.revisionLabel) {
    modeNote = ` (istio.io/rev=${namespace.revisionLabel})`;
  }
  return {
    summary: `Move namespace ${input.namespace} from ${
      from ?? 'no revision'
    }${modeNote} to ${input.revision}: relabel it, then restart ${
      restarting.length
    } workload${restarting.length === 1 ? '' : 's'} (${podsInScope} pod${
      podsInScope === 1 ? '' : 's'
    }) in ${waves.length} wave${waves.length === 1 ? '' : 's'} of up to ${
      input.waveSize
    }${skipped.length ? `; ${skipped.length} skipped` : ''}`,
    ...(from ? { fromRevision: from } : {}),
    toRevision: input.revision,
    patches,
    rollbackPatches: [
      {
        step: 'relabel-namespace',
        kind: 'Namespace',
        name: input.namespace,
        patchType: 'merge',
        patch: { metadata: { labels: restore } },
      },
    ],
    waves,
    skipped,
    podsInScope,
  };
}
