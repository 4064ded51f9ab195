import { resourceTypeNamed } from '../api/resourceTypes';
import { JsonObject, KubeObject } from '../store/kubeObject';
import { ClusterContext, timestamp } from './clusterContext';

const pods = resourceTypeNamed('pods');

/** Annotation that sets how long a pod takes to terminate (simulated seconds, default 2). */
export const terminateSecondsAnnotation = 'mesh-sim.dev/terminate-seconds';

function terminationSeconds(
  pod: KubeObject,
  requested: number | undefined,
): number {
  if (requested !== undefined) return requested;
  const fromAnnotation = Number(
    pod.metadata.annotations?.[terminateSecondsAnnotation],
  );
  if (Number.isFinite(fromAnnotation) && fromAnnotation >= 0)
    return fromAnnotation;
  return Math.min(2, pod.spec?.terminationGracePeriodSeconds ?? 30);
}

/**
 * Graceful pod deletion as the API server and kubelet do it: the pod gets a
 * `deletionTimestamp`, stops being ready (its endpoints turn terminating), and is removed once
 * its containers have stopped. A grace of 0 removes it at once. Returns the pod as the
 * DELETE answers it.
 */
export function terminatePod(
  ctx: ClusterContext,
  pod: KubeObject,
  gracePeriodSeconds?: number,
): KubeObject {
  const { store } = ctx;
  const grace = ctx.instant ? 0 : terminationSeconds(pod, gracePeriodSeconds);
  if (grace === 0) {
    return store.remove(pods, pod.metadata.namespace, pod.metadata.name);
  }
  if (pod.metadata.deletionTimestamp) {
    return pod;
  }
  const now = timestamp(ctx);
  const notReady = (conditions: JsonObject[] | undefined) =>
    (conditions ?? []).map(c =>
      (c.type === 'Ready' || c.type === 'ContainersReady') &&
      c.status === 'True'
        ? {
            ...c,
            status: 'False',
            lastTransitionTime: now,
            reason: 'PodCompleted',
          }
        : c,
    );
  const terminating = store.replace(pods, {
    ...pod,
    metadata: {
      ...pod.metadata,
      deletionTimestamp: new Date(ctx.clock.now() + grace * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
      deletionGracePeriodSeconds: grace,
    } as KubeObject['metadata'],
    status: pod.status
      ? {
          ...pod.status,
          conditions: notReady(pod.status.conditions),
          containerStatuses: (pod.status.containerStatuses ?? []).map(
            (s: JsonObject) => ({ ...s, ready: false }),
          ),
        }
      : pod.status,
  });
  ctx.loop.enqueueAt(
    'terminator',
    `${pod.metadata.namespace}/${pod.metadata.name}`,
    ctx.clock.now() + grace * 1000,
  );
  return terminating;
}

/** Removes terminating pods once their grace period has passed. */
export function registerPodTermination(ctx: ClusterContext) {
  ctx.loop.register('terminator', key => {
    const [namespace, name] = key.split('/');
    const pod = ctx.store.get(pods, namespace, name);
    if (!pod?.metadata.deletionTimestamp) return;
    const due = Date.parse(pod.metadata.deletionTimestamp);
    if (ctx.clock.now() >= due) {
      ctx.store.remove(pods, namespace, name);
    } else {
      ctx.loop.enqueueAt('terminator', key, due);
    }
  });
}
