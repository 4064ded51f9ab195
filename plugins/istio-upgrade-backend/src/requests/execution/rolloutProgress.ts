import {
  ClusterInventory,
  PlannedWorkload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** The identity of a workload across a plan and an inventory. */
export const key = (w: { kind: string; namespace?: string; name: string }) =>
  `${w.kind}/${w.namespace ?? ''}/${w.name}`;

/** The revision a plan's target names, through a tag if it is one. */
export function resolveRevision(
  inventory: ClusterInventory,
  revisionOrTag: string | undefined,
): string | undefined {
  if (!revisionOrTag) return undefined;
  if (inventory.controlPlanes.some(cp => cp.revision === revisionOrTag)) {
    return revisionOrTag;
  }
  return (
    inventory.tags.find(t => t.name === revisionOrTag)?.revision ??
    revisionOrTag
  );
}

/** Pods of the plan's workloads, and how many of them run `revision`. */
export function countMigrated(
  inventory: ClusterInventory,
  workloads: PlannedWorkload[],
  revision: string | undefined,
): { total: number; migrated: number } {
  const wanted = new Set(workloads.map(key));
  let total = 0;
  let migrated = 0;
  for (const w of inventory.workloads) {
    if (!wanted.has(key(w))) continue;
    for (const entry of w.podsByRevision) {
      total += entry.count;
      if (entry.revision === revision) migrated += entry.count;
    }
  }
  return { total, migrated };
}
