import { resourceTypeNamed } from '../api/resourceTypes';
import { ApiError } from '../api/statusErrors';
import { KubeObject } from '../store/kubeObject';
import { ClusterContext } from './clusterContext';
import { PodFactory } from './podFactory';
import { terminatePod } from './podTermination';
import { podIsReady } from './podStatus';
import { ownedPods, podAvailable, writeStatus } from './replicaSetController';
import { templateHash } from './templateHash';

const statefulSets = resourceTypeNamed('statefulsets');
const revisionLabel = 'controller-revision-hash';

/**
 * The StatefulSet controller: ordered creation (each pod waits for the previous one to be
 * ready), rolling update from the highest ordinal down to the partition one pod at a time,
 * or OnDelete; current/update revisions as `kubectl rollout status` reads them.
 */
export function registerStatefulSetController(
  ctx: ClusterContext,
  factory: PodFactory,
) {
  const { store, loop } = ctx;
  loop.register('statefulset', key => {
    const [namespace, name] = key.split('/');
    const sts = store.get(statefulSets, namespace, name);
    if (!sts) return;
    const replicas: number = sts.spec?.replicas ?? 1;
    const updateRevision = `${name}-${templateHash(sts.spec.template)}`;
    const ordinal = (p: KubeObject) =>
      Number(p.metadata.name.slice(name.length + 1));
    const byOrdinal = new Map<number, KubeObject>();
    // A terminating pod still holds its ordinal: its successor waits until it is gone.
    for (const p of ownedPods(ctx, sts, true)) byOrdinal.set(ordinal(p), p);
    const parallel = sts.spec?.podManagementPolicy === 'Parallel';
    let failure: ApiError | undefined;
    for (let i = 0; i < replicas; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        try {
          const podName = `${name}-${i}`;
          const created = factory.create(
            sts,
            sts.spec.template,
            { name: podName },
            {
              [revisionLabel]: updateRevision,
              'statefulset.kubernetes.io/pod-name': podName,
              'apps.kubernetes.io/pod-index': String(i),
            },
          );
          byOrdinal.set(i, created);
          if (!ctx.instant)
            ctx.recordEvent(
              sts,
              'Normal',
              'SuccessfulCreate',
              `create Pod ${podName} in StatefulSet ${name} successful`,
              'statefulset-controller',
            );
        } catch (error) {
          failure =
            error instanceof ApiError
              ? error
              : new ApiError(500, 'InternalError', String(error));
          ctx.recordEvent(
            sts,
            'Warning',
            'FailedCreate',
            `create Pod ${name}-${i} in StatefulSet ${name} failed error: ${failure.message}`,
            'statefulset-controller',
          );
          loop.enqueueAt('statefulset', key, ctx.clock.now() + 2000);
          break;
        }
        if (!parallel && !ctx.instant) break;
      } else if (
        !parallel &&
        (!podIsReady(pod) || pod.metadata.deletionTimestamp)
      ) {
        break;
      }
    }
    const all = [...byOrdinal.values()];
    const allReady =
      all.length >= replicas &&
      all.every(p => podIsReady(p) && !p.metadata.deletionTimestamp);
    for (const p of all
      .filter(x => ordinal(x) >= replicas && !x.metadata.deletionTimestamp)
      .sort((a, b) => ordinal(b) - ordinal(a))) {
      if (
        !parallel &&
        !all.filter(x => ordinal(x) < ordinal(p)).every(podIsReady)
      )
        break;
      terminatePod(ctx, p);
      if (!parallel) break;
    }
    if (!failure && sts.spec?.updateStrategy?.type !== 'OnDelete' && allReady) {
      const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
      const stale = [...byOrdinal.values()]
        .filter(
          p =>
            ordinal(p) >= partition &&
            ordinal(p) < replicas &&
            p.metadata.labels?.[revisionLabel] !== updateRevision,
        )
        .sort((a, b) => ordinal(b) - ordinal(a))[0];
      if (stale) {
        terminatePod(ctx, stale);
      }
    }
    const current = ownedPods(ctx, sts);
    const fresh = store.get(statefulSets, namespace, name)!;
    const updated = current.filter(
      p => p.metadata.labels?.[revisionLabel] === updateRevision,
    ).length;
    const previousCurrent = fresh.status?.currentRevision ?? updateRevision;
    const currentRevision =
      updated === replicas && current.length === replicas
        ? updateRevision
        : previousCurrent;
    const status: Record<string, unknown> = {
      observedGeneration: fresh.metadata.generation,
      replicas: current.length,
      readyReplicas: current.filter(podIsReady).length,
      currentReplicas: current.filter(
        p => p.metadata.labels?.[revisionLabel] === currentRevision,
      ).length,
      updatedReplicas: updated,
      currentRevision,
      updateRevision,
      collisionCount: 0,
      availableReplicas: current.filter(p =>
        podAvailable(ctx, p, fresh.spec?.minReadySeconds ?? 0),
      ).length,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) {
      if (status[k] === 0) delete status[k];
    }
    writeStatus(ctx, statefulSets, fresh, status);
  });

  store.subscribe(change => {
    if (change.typeKey === 'statefulsets.apps' && change.type !== 'DELETED') {
      loop.enqueue('statefulset', change.key);
    } else if (change.typeKey === 'pods') {
      const owner = (change.object.metadata.ownerReferences ?? []).find(
        o => o.controller && o.kind === 'StatefulSet',
      );
      if (owner)
        loop.enqueue(
          'statefulset',
          `${change.object.metadata.namespace}/${owner.name}`,
        );
    }
  });
}
