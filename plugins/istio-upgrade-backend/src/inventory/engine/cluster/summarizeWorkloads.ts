import {
  compareText,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { WorkloadTally } from './tallies';

/**
 * The workloads, sorted by namespace, kind and name: labels, the revision new pods get, pods per
 * revision, the restarts they need, replicas, and what stops or paces a rollout.
 */
export function summarizeWorkloads(
  tallies: Iterable<WorkloadTally>,
): Workload[] {
  return [...tallies]
    .map(tally => {
      const record = tally.record;
      return {
        kind: record.kind,
        namespace: record.namespace,
        name: record.name,
        labels: { ...record.labels },
        podLabels: { ...record.podLabels },
        ...(tally.desiredRevision !== undefined && {
          desiredRevision: tally.desiredRevision,
        }),
        pods: tally.pods,
        podsByRevision: tally.revisions.list(),
        podsNeedingRestart: tally.needingRestart,
        readyReplicas: record.readyReplicas,
        replicas: record.replicas,
        ...(record.kind === 'Deployment'
          ? { paused: record.paused }
          : { onDelete: record.onDelete }),
      };
    })
    .sort(
      (a, b) =>
        compareText(a.namespace, b.namespace) ||
        compareText(a.kind, b.kind) ||
        compareText(a.name, b.name),
    );
}
