import { resourceTypeNamed } from '../api/resourceTypes';
import { labelSelectorObjectMatches } from '../api/selectors';
import { ApiError } from '../api/statusErrors';
import { jsonEqual } from '../store/jsonEqual';
import { KubeObject } from '../store/kubeObject';
import { ClusterContext, timestamp } from './clusterContext';
import { PodFactory } from './podFactory';
import { terminatePod } from './podTermination';
import { podIsReady, podReadySince } from './podStatus';

const replicaSets = resourceTypeNamed('replicasets');

/** Seconds of simulated time before a ReplicaSet retries a failed pod creation. */
const createRetrySeconds = 2;

/** The pods a controller owns (ownerReferences with its uid), without terminating ones unless asked. */
export function ownedPods(
  ctx: ClusterContext,
  owner: KubeObject,
  includeTerminating = false,
): KubeObject[] {
  return ctx.store
    .dependents(owner.metadata.uid)
    .filter(ref => ref.startsWith('pods|'))
    .map(ref => ctx.store.getByReference(ref))
    .filter(
      (p): p is KubeObject =>
        p !== undefined &&
        (includeTerminating || !p.metadata.deletionTimestamp),
    );
}

/** Whether a pod has been ready for at least `minReadySeconds` of simulated time. */
export function podAvailable(
  ctx: ClusterContext,
  pod: KubeObject,
  minReadySeconds: number,
): boolean {
  if (!podIsReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = podReadySince(pod) ?? 0;
  return ctx.clock.now() >= since + minReadySeconds * 1000;
}

function deletionRank(pod: KubeObject): number {
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Pending') return 1;
  if (!podIsReady(pod)) return 2;
  return 3;
}

/** Writes `status` on an object when it differs from the stored one. */
export function writeStatus(
  ctx: ClusterContext,
  rt: ReturnType<typeof resourceTypeNamed>,
  object: KubeObject,
  status: Record<string, unknown>,
) {
  if (jsonEqual(object.status ?? {}, status)) return;
  ctx.store.replace(rt, { ...object, status });
}

/**
 * The ReplicaSet controller: keeps the number of pods matching spec.replicas, and reports a
 * `ReplicaFailure` condition and a `FailedCreate` event when pod creation is refused (for
 * example by a failing injection webhook), retrying on the simulated clock.
 */
export function registerReplicaSetController(
  ctx: ClusterContext,
  factory: PodFactory,
) {
  const { store, loop } = ctx;
  loop.register('replicaset', key => {
    const [namespace, name] = key.split('/');
    const rs = store.get(replicaSets, namespace, name);
    if (!rs) return;
    const desired = rs.spec?.replicas ?? 1;
    let owned = ownedPods(ctx, rs);
    let failure: ApiError | undefined;
    if (owned.length < desired) {
      for (let i = owned.length; i < desired; i++) {
        try {
          const pod = factory.create(
            rs,
            rs.spec.template,
            { generateName: `${name}-` },
            {},
          );
          if (!ctx.instant) {
            ctx.recordEvent(
              rs,
              'Normal',
              'SuccessfulCreate',
              `Created pod: ${pod.metadata.name}`,
              'replicaset-controller',
            );
          }
        } catch (error) {
          failure =
            error instanceof ApiError
              ? error
              : new ApiError(500, 'InternalError', String(error));
          break;
        }
      }
      owned = ownedPods(ctx, rs);
    } else if (owned.length > desired) {
      const victims = [...owned]
        .sort(
          (a, b) =>
            deletionRank(a) - deletionRank(b) ||
            b.metadata.creationTimestamp.localeCompare(
              a.metadata.creationTimestamp,
            ),
        )
        .slice(0, owned.length - desired);
      for (const pod of victims) {
        terminatePod(ctx, pod);
        ctx.recordEvent(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${pod.metadata.name}`,
          'replicaset-controller',
        );
      }
      owned = ownedPods(ctx, rs);
    }
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const selectorMatches = (p: KubeObject) =>
      labelSelectorObjectMatches(rs.spec.selector, p.metadata.labels);
    let conditions = (rs.status?.conditions ?? []).filter(
      (c: any) => c.type !== 'ReplicaFailure',
    );
    if (failure) {
      const message = failure.message;
      const previous = (rs.status?.conditions ?? []).find(
        (c: any) => c.type === 'ReplicaFailure',
      );
      conditions = [
        ...conditions,
        {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime: previous?.lastTransitionTime ?? timestamp(ctx),
          reason: 'FailedCreate',
          message,
        },
      ];
      ctx.recordEvent(
        rs,
        'Warning',
        'FailedCreate',
        `Error creating: ${message}`,
        'replicaset-controller',
      );
      loop.enqueueAt(
        'replicaset',
        key,
        ctx.clock.now() + createRetrySeconds * 1000,
      );
    }
    for (const pod of owned) {
      if (podIsReady(pod) && !podAvailable(ctx, pod, minReady)) {
        loop.enqueueAt(
          'replicaset',
          key,
          (podReadySince(pod) ?? 0) + minReady * 1000,
        );
      }
    }
    const status: Record<string, unknown> = {
      replicas: owned.length,
      fullyLabeledReplicas: owned.filter(selectorMatches).length,
      readyReplicas: owned.filter(podIsReady).length,
      availableReplicas: owned.filter(p => podAvailable(ctx, p, minReady))
        .length,
      observedGeneration: rs.metadata.generation,
    };
    if (conditions.length) status.conditions = conditions;
    const fresh = store.get(replicaSets, namespace, name)!;
    writeStatus(ctx, replicaSets, fresh, status);
  });

  store.subscribe(change => {
    if (change.typeKey === 'replicasets.apps' && change.type !== 'DELETED') {
      loop.enqueue('replicaset', change.key);
    } else if (change.typeKey === 'pods') {
      const owner = (change.object.metadata.ownerReferences ?? []).find(
        o => o.controller && o.kind === 'ReplicaSet',
      );
      if (owner)
        loop.enqueue(
          'replicaset',
          `${change.object.metadata.namespace}/${owner.name}`,
        );
    }
  });
}
