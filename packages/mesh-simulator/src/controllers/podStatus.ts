import { randomBytes } from 'node:crypto';
import { JsonObject, KubeObject } from '../store/kubeObject';

/**
 * The stages of a simulated pod's life, each rendered as the status the kubelet reports.
 *
 * @public
 */
export type PodStage = 'scheduled' | 'running' | 'ready' | 'crash-loop';

/** Annotations on a pod (or its template) that set its simulated behaviour. */
export const behaviourAnnotations = {
  startSeconds: 'mesh-sim.dev/start-seconds',
  readySeconds: 'mesh-sim.dev/ready-seconds',
  failure: 'mesh-sim.dev/failure',
};

/** A pod's behaviour: seconds from creation to running, from running to ready, and failure mode. */
export function podBehaviour(pod: KubeObject) {
  const a = pod.metadata.annotations ?? {};
  const seconds = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  return {
    startSeconds: seconds(a[behaviourAnnotations.startSeconds], 2),
    readySeconds: seconds(a[behaviourAnnotations.readySeconds], 1),
    failure: a[behaviourAnnotations.failure] as
      | 'never-ready'
      | 'crash-loop'
      | undefined,
  };
}

function condition(
  type: string,
  status: boolean,
  time: string,
  reason?: string,
): JsonObject {
  return {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(reason ? { reason } : {}),
  };
}

function containerId(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

function imageId(image: string): string {
  const digest = Buffer.from(image)
    .toString('hex')
    .padEnd(64, '0')
    .slice(0, 64);
  return `${image.split(':')[0]}@sha256:${digest}`;
}

/**
 * Renders the pod status for a stage. `times` holds when the pod was scheduled, started and
 * became ready (ISO strings), so transition times stay stable across re-renders.
 */
export function renderPodStatus(
  pod: KubeObject,
  stage: PodStage,
  times: { scheduled: string; started?: string; ready?: string },
  ips: { hostIP: string; podIP?: string },
  restartCount = 0,
): JsonObject {
  const spec = pod.spec ?? {};
  const running = stage !== 'scheduled';
  const ready = stage === 'ready';
  const started = times.started ?? times.scheduled;
  const inits: JsonObject[] = spec.initContainers ?? [];
  const containers: JsonObject[] = spec.containers ?? [];
  const hasRequests = containers.some(c => c.resources?.requests);
  const status: JsonObject = {
    phase: running ? 'Running' : 'Pending',
    conditions: [
      condition('PodReadyToStartContainers', running, started),
      condition(
        'Initialized',
        running || inits.length === 0,
        running ? started : times.scheduled,
        running || inits.length === 0 ? undefined : 'ContainersNotInitialized',
      ),
      condition(
        'Ready',
        ready,
        ready ? times.ready! : started,
        ready ? undefined : 'ContainersNotReady',
      ),
      condition(
        'ContainersReady',
        ready,
        ready ? times.ready! : started,
        ready ? undefined : 'ContainersNotReady',
      ),
      condition('PodScheduled', true, times.scheduled),
    ],
    hostIP: ips.hostIP,
    hostIPs: [{ ip: ips.hostIP }],
    ...(running && ips.podIP
      ? { podIP: ips.podIP, podIPs: [{ ip: ips.podIP }] }
      : {}),
    startTime: times.scheduled,
    qosClass: hasRequests ? 'Burstable' : 'BestEffort',
  };
  if (inits.length > 0) {
    status.initContainerStatuses = inits.map(c =>
      // A sidecar container (an init container with `restartPolicy: Always`, such as Istio's native
      // sidecar) keeps running beside the containers, and is ready when the pod is.
      c.restartPolicy === 'Always'
        ? {
            name: c.name,
            image: c.image,
            imageID: running ? imageId(c.image) : '',
            ...(running ? { containerID: containerId() } : {}),
            ready,
            restartCount: 0,
            started: running,
            state: running
              ? { running: { startedAt: started } }
              : { waiting: { reason: 'PodInitializing' } },
            lastState: {},
          }
        : {
            name: c.name,
            image: c.image,
            imageID: running ? imageId(c.image) : '',
            ...(running ? { containerID: containerId() } : {}),
            ready: running,
            restartCount: 0,
            started: false,
            state: running
              ? {
                  terminated: {
                    exitCode: 0,
                    reason: 'Completed',
                    startedAt: times.scheduled,
                    finishedAt: started,
                    containerID: undefined,
                  },
                }
              : { waiting: { reason: 'PodInitializing' } },
            lastState: {},
          },
    );
  }
  status.containerStatuses = containers.map(c => {
    let state: JsonObject;
    let lastState: JsonObject = {};
    if (!running) {
      state = {
        waiting: {
          reason: inits.length ? 'PodInitializing' : 'ContainerCreating',
        },
      };
    } else if (stage === 'crash-loop' && c.name !== 'istio-proxy') {
      state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 10s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        },
      };
      lastState = {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: started,
          finishedAt: started,
        },
      };
    } else {
      state = { running: { startedAt: started } };
    }
    return {
      name: c.name,
      image: c.image,
      imageID: running ? imageId(c.image) : '',
      ...(running ? { containerID: containerId() } : {}),
      ready: ready,
      restartCount: c.name === 'istio-proxy' ? 0 : restartCount,
      started: running && !(stage === 'crash-loop' && c.name !== 'istio-proxy'),
      state,
      lastState,
    };
  });
  return status;
}

/** Whether a pod reports Ready=True. */
export function podIsReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: JsonObject) => c.type === 'Ready' && c.status === 'True',
  );
}

/** When a pod became ready (ms), from its Ready condition. */
export function podReadySince(pod: KubeObject): number | undefined {
  const c = (pod.status?.conditions ?? []).find(
    (x: JsonObject) => x.type === 'Ready' && x.status === 'True',
  );
  return c ? Date.parse(c.lastTransitionTime) : undefined;
}
