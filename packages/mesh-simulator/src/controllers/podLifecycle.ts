import { resourceTypeNamed } from '../api/resourceTypes';
import { KubeObject } from '../store/kubeObject';
import { ClusterContext, timestamp } from './clusterContext';
import { kubeletFields, nodeAddress, schedule } from './podFactory';
import { podBehaviour, podIsReady, renderPodStatus } from './podStatus';

const pods = resourceTypeNamed('pods');

/** Seconds between restarts of a crash-looping container. */
const crashLoopPeriodSeconds = 20;

function startedAt(pod: KubeObject): string | undefined {
  return pod.status?.conditions?.find(
    (c: any) => c.type === 'PodReadyToStartContainers' && c.status === 'True',
  )?.lastTransitionTime;
}

/**
 * The scheduler and the kubelet: binds new pods to a node, then moves them from Pending to
 * Running to Ready on the simulated clock, following each pod's behaviour annotations
 * (start and ready delays, never-ready, crash loop).
 */
export function registerPodLifecycle(ctx: ClusterContext) {
  const { store, loop } = ctx;
  const write = (pod: KubeObject, next: KubeObject) => {
    store.replace(pods, {
      ...next,
      metadata: {
        ...next.metadata,
        managedFields: [
          ...(pod.metadata.managedFields ?? []).filter(
            (m: any) => m.manager !== 'kubelet',
          ),
          kubeletFields(ctx, next.status),
        ],
      },
    });
  };

  loop.register('kubelet', key => {
    const [namespace, name] = key.split('/');
    const pod = store.get(pods, namespace, name);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const behaviour = podBehaviour(pod);
    const now = ctx.clock.now();
    const created = Date.parse(pod.metadata.creationTimestamp);
    const time = timestamp(ctx);
    if (!pod.spec?.nodeName) {
      const node = schedule(ctx);
      const bound = { ...pod, spec: { ...pod.spec, nodeName: node.name } };
      write(pod, {
        ...bound,
        status: renderPodStatus(
          bound,
          'scheduled',
          { scheduled: time },
          { hostIP: node.ip },
        ),
      });
      loop.enqueueAt('kubelet', key, created + behaviour.startSeconds * 1000);
      return;
    }
    if (pod.status?.phase === 'Pending' || !pod.status?.phase) {
      if (!pod.status?.startTime) {
        write(pod, {
          ...pod,
          status: renderPodStatus(
            pod,
            'scheduled',
            { scheduled: time },
            { hostIP: nodeAddress(ctx, pod.spec.nodeName) },
          ),
        });
        loop.enqueueAt('kubelet', key, created + behaviour.startSeconds * 1000);
        return;
      }
      if (now < created + behaviour.startSeconds * 1000) {
        loop.enqueueAt('kubelet', key, created + behaviour.startSeconds * 1000);
        return;
      }
      const stage =
        behaviour.failure === 'crash-loop' ? 'crash-loop' : 'running';
      write(pod, {
        ...pod,
        status: renderPodStatus(
          pod,
          stage,
          { scheduled: pod.status.startTime, started: time },
          { hostIP: pod.status.hostIP, podIP: ctx.allocatePodIP() },
          stage === 'crash-loop' ? 1 : 0,
        ),
      });
      loop.enqueueAt(
        'kubelet',
        key,
        now +
          (stage === 'crash-loop'
            ? crashLoopPeriodSeconds
            : behaviour.readySeconds) *
            1000,
      );
      return;
    }
    const started = startedAt(pod) ?? pod.status.startTime;
    if (behaviour.failure === 'crash-loop') {
      const restarts = (pod.status.containerStatuses ?? []).reduce(
        (n: number, s: any) => Math.max(n, s.restartCount ?? 0),
        0,
      );
      const due =
        Date.parse(started) + restarts * crashLoopPeriodSeconds * 1000;
      if (now >= due) {
        write(pod, {
          ...pod,
          status: renderPodStatus(
            pod,
            'crash-loop',
            { scheduled: pod.status.startTime, started },
            { hostIP: pod.status.hostIP, podIP: pod.status.podIP },
            restarts + 1,
          ),
        });
      }
      loop.enqueueAt(
        'kubelet',
        key,
        Math.max(due, now) + crashLoopPeriodSeconds * 1000,
      );
      return;
    }
    if (podIsReady(pod) || behaviour.failure === 'never-ready') return;
    const readyAt = Date.parse(started) + behaviour.readySeconds * 1000;
    if (now < readyAt) {
      loop.enqueueAt('kubelet', key, readyAt);
      return;
    }
    write(pod, {
      ...pod,
      status: renderPodStatus(
        pod,
        'ready',
        { scheduled: pod.status.startTime, started, ready: time },
        { hostIP: pod.status.hostIP, podIP: pod.status.podIP },
      ),
    });
  });

  store.subscribe(change => {
    if (
      change.typeKey === 'pods' &&
      change.type === 'ADDED' &&
      !podIsReady(change.object)
    ) {
      loop.enqueue('kubelet', change.key);
    }
  });
}
