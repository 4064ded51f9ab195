/**
 * Judges a workload's rollout the way `kubectl rollout status` does
 * (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go), from the object's spec and status.
 */
export type RolloutVerdict =
  | { state: 'done'; message: string }
  | { state: 'progressing'; message: string }
  | { state: 'failed'; message: string };

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** The fields of a Deployment, StatefulSet or DaemonSet the judgement reads. */
export interface RolloutObject {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  metadata?: { name?: string; generation?: number };
  spec?: {
    replicas?: number;
    paused?: boolean;
    updateStrategy?: {
      type?: string;
      rollingUpdate?: { partition?: number };
    };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    conditions?: Condition[];
  };
}

export function judgeRollout(object: RolloutObject): RolloutVerdict {
  const name = `${object.kind.toLowerCase()} "${object.metadata?.name}"`;
  const status = object.status ?? {};
  const generation = object.metadata?.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      state: 'progressing',
      message: `Waiting for ${name} spec update to be observed...`,
    };
  }
  if (object.kind === 'Deployment') {
    const failure = status.conditions?.find(
      c =>
        (c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') ||
        (c.type === 'ReplicaFailure' && c.status === 'True'),
    );
    if (failure) {
      return {
        state: 'failed',
        message: `${name} ${
          failure.reason === 'ProgressDeadlineExceeded'
            ? 'exceeded its progress deadline'
            : `cannot create pods (${failure.reason})`
        }: ${failure.message ?? ''}`.trim(),
      };
    }
    const desired = object.spec?.replicas ?? 1;
    const updated = status.updatedReplicas ?? 0;
    const replicas = status.replicas ?? 0;
    const available = status.availableReplicas ?? 0;
    if (updated < desired) {
      return {
        state: 'progressing',
        message: `Waiting for ${name} rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
      };
    }
    if (replicas > updated) {
      return {
        state: 'progressing',
        message: `Waiting for ${name} rollout to finish: ${
          replicas - updated
        } old replicas are pending termination...`,
      };
    }
    if (available < updated) {
      return {
        state: 'progressing',
        message: `Waiting for ${name} rollout to finish: ${available} of ${updated} updated replicas are available...`,
      };
    }
    return { state: 'done', message: `${name} successfully rolled out` };
  }
  if (object.kind === 'StatefulSet') {
    if (object.spec?.updateStrategy?.type === 'OnDelete') {
      return {
        state: 'failed',
        message: `${name} uses the OnDelete update strategy: a restart does not replace its pods`,
      };
    }
    const desired = object.spec?.replicas ?? 1;
    if ((status.readyReplicas ?? 0) < desired) {
      return {
        state: 'progressing',
        message: `Waiting for ${
          status.readyReplicas ?? 0
        } of ${desired} pods of ${name} to be ready...`,
      };
    }
    const partition =
      object.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    if (partition > 0) {
      if ((status.updatedReplicas ?? 0) < desired - partition) {
        return {
          state: 'progressing',
          message: `Waiting for partitioned roll out to finish: ${
            status.updatedReplicas ?? 0
          } out of ${desired - partition} new pods have been updated...`,
        };
      }
      return {
        state: 'done',
        message: `partitioned roll out complete for ${name}`,
      };
    }
    if (status.updateRevision !== status.currentRevision) {
      return {
        state: 'progressing',
        message: `Waiting for ${name} rolling update to complete ${
          status.updatedReplicas ?? 0
        } pods at revision ${status.updateRevision}...`,
      };
    }
    return { state: 'done', message: `${name} rolling update complete` };
  }
  // DaemonSet
  if (object.spec?.updateStrategy?.type === 'OnDelete') {
    return {
      state: 'failed',
      message: `${name} uses the OnDelete update strategy: a restart does not replace its pods`,
    };
  }
  const desired = status.desiredNumberScheduled ?? 0;
  if ((status.updatedNumberScheduled ?? 0) < desired) {
    return {
      state: 'progressing',
      message: `Waiting for daemon set ${name} rollout to finish: ${
        status.updatedNumberScheduled ?? 0
      } out of ${desired} new pods have been updated...`,
    };
  }
  if ((status.numberAvailable ?? 0) < desired) {
    return {
      state: 'progressing',
      message: `Waiting for daemon set ${name} rollout to finish: ${
        status.numberAvailable ?? 0
      } of ${desired} updated pods are available...`,
    };
  }
  return {
    state: 'done',
    message: `daemon set ${name} successfully rolled out`,
  };
}
