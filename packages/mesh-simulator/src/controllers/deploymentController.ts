import { resourceTypeNamed } from '../api/resourceTypes';
import { KubeObject } from '../store/kubeObject';
import { ClusterContext, timestamp } from './clusterContext';
import { writeStatus } from './replicaSetController';
import { intOrPercent, templateHash } from './templateHash';

const deployments = resourceTypeNamed('deployments');
const replicaSets = resourceTypeNamed('replicasets');

const revisionAnnotation = 'deployment.kubernetes.io/revision';

function ownedReplicaSets(ctx: ClusterContext, d: KubeObject): KubeObject[] {
  return ctx.store
    .dependents(d.metadata.uid)
    .filter(ref => ref.startsWith('replicasets.apps|'))
    .map(ref => ctx.store.getByReference(ref))
    .filter((rs): rs is KubeObject => rs !== undefined)
    .sort(
      (a, b) =>
        a.metadata.creationTimestamp.localeCompare(
          b.metadata.creationTimestamp,
        ) ||
        Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
    );
}

function condition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
  previous?: any,
  progressed = true,
) {
  const sameStatus = previous && previous.status === status;
  return {
    type,
    status,
    lastUpdateTime:
      sameStatus && !progressed && previous.reason === reason
        ? previous.lastUpdateTime
        : now,
    lastTransitionTime: sameStatus ? previous.lastTransitionTime : now,
    reason,
    message,
  };
}

/**
 * The Deployment controller: rolls ReplicaSets by `maxSurge`/`maxUnavailable` (or Recreate),
 * honours `paused`, and reports status and the Progressing/Available conditions exactly where
 * `kubectl rollout status` reads them, including `ProgressDeadlineExceeded`.
 */
export function registerDeploymentController(ctx: ClusterContext) {
  const { store, loop } = ctx;

  const scale = (d: KubeObject, rs: KubeObject, replicas: number) => {
    if ((rs.spec?.replicas ?? 0) === replicas) return rs;
    const from = rs.spec?.replicas ?? 0;
    const updated = store.replace(replicaSets, {
      ...rs,
      metadata: {
        ...rs.metadata,
        annotations: {
          ...(rs.metadata.annotations ?? {}),
          'deployment.kubernetes.io/desired-replicas': String(
            d.spec.replicas ?? 1,
          ),
          'deployment.kubernetes.io/max-replicas': String(
            (d.spec.replicas ?? 1) + maxSurgeOf(d),
          ),
        },
      },
      spec: { ...rs.spec, replicas },
    });
    if (!ctx.instant) {
      ctx.recordEvent(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${replicas > from ? 'up' : 'down'} replica set ${
          rs.metadata.name
        } from ${from} to ${replicas}`,
        'deployment-controller',
      );
    }
    return updated;
  };

  loop.register('deployment', key => {
    const [namespace, name] = key.split('/');
    let d = store.get(deployments, namespace, name);
    if (!d) return;
    const replicas: number = d.spec?.replicas ?? 1;
    const paused = d.spec?.paused === true;
    const hash = templateHash(d.spec.template);
    let all = ownedReplicaSets(ctx, d);
    let newRS = all.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    let progressed = false;
    const maxRevision = all.reduce(
      (n, rs) =>
        Math.max(n, Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0)),
      0,
    );
    if (!newRS && !paused) {
      const template = {
        ...d.spec.template,
        metadata: {
          ...(d.spec.template.metadata ?? {}),
          labels: {
            ...(d.spec.template.metadata?.labels ?? {}),
            'pod-template-hash': hash,
          },
        },
      };
      newRS = store.create(replicaSets, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace,
          labels: template.metadata.labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(replicas),
            'deployment.kubernetes.io/max-replicas': String(
              replicas + maxSurgeOf(d),
            ),
            [revisionAnnotation]: String(maxRevision + 1),
          },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name,
              uid: d.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        } as unknown as KubeObject['metadata'],
        spec: {
          replicas: 0,
          minReadySeconds: d.spec.minReadySeconds ?? 0,
          selector: {
            ...d.spec.selector,
            matchLabels: {
              ...(d.spec.selector?.matchLabels ?? {}),
              'pod-template-hash': hash,
            },
          },
          template,
        },
        status: { replicas: 0 },
      });
      progressed = true;
      all = [...all, newRS];
    } else if (
      newRS &&
      !paused &&
      Number(newRS.metadata.annotations?.[revisionAnnotation] ?? 0) <
        maxRevision
    ) {
      // Rolling back to an older template makes its ReplicaSet the newest revision again.
      newRS = store.replace(replicaSets, {
        ...newRS,
        metadata: {
          ...newRS.metadata,
          annotations: {
            ...(newRS.metadata.annotations ?? {}),
            [revisionAnnotation]: String(maxRevision + 1),
          },
        },
      });
      all = ownedReplicaSets(ctx, d);
    }
    const old = all.filter(
      rs => rs !== newRS && rs.metadata.uid !== newRS?.metadata.uid,
    );

    if (!paused && newRS) {
      if (d.spec.strategy?.type === 'Recreate') {
        if (old.some(rs => (rs.spec?.replicas ?? 0) > 0)) {
          old.forEach(rs => scale(d!, rs, 0));
          progressed = true;
        } else if (
          old.every(rs => (rs.status?.replicas ?? 0) === 0) &&
          (newRS.spec?.replicas ?? 0) !== replicas
        ) {
          newRS = scale(d, newRS, replicas);
          progressed = true;
        }
      } else {
        const maxSurge = maxSurgeOf(d);
        let maxUnavailable = intOrPercent(
          d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
          replicas,
          false,
        );
        if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
        const newReplicas = newRS.spec?.replicas ?? 0;
        if (newReplicas < replicas) {
          const current = all.reduce(
            (n, rs) => n + (rs.spec?.replicas ?? 0),
            0,
          );
          const room = replicas + maxSurge - current;
          if (room > 0) {
            newRS = scale(
              d,
              newRS,
              newReplicas + Math.min(room, replicas - newReplicas),
            );
            progressed = true;
          }
        } else if (newReplicas > replicas) {
          newRS = scale(d, newRS, replicas);
          progressed = true;
        }
        const actual = [newRS, ...old].reduce(
          (n, rs) => n + (rs.status?.replicas ?? 0),
          0,
        );
        const newUnavailable =
          (newRS.spec?.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
        let budget = actual - (replicas - maxUnavailable) - newUnavailable;
        // Unhealthy old pods go first: removing them costs no availability.
        for (const rs of old) {
          const unhealthy = Math.min(
            budget,
            (rs.spec?.replicas ?? 0) - (rs.status?.availableReplicas ?? 0),
          );
          if (unhealthy > 0) {
            scale(d, rs, (rs.spec?.replicas ?? 0) - unhealthy);
            budget -= unhealthy;
            progressed = true;
          }
        }
        for (const rs of ownedReplicaSets(ctx, d).filter(
          r => r.metadata.uid !== newRS!.metadata.uid,
        )) {
          if (budget <= 0) break;
          const count = rs.spec?.replicas ?? 0;
          if (count === 0) continue;
          const down = Math.min(count, budget);
          scale(d, rs, count - down);
          budget -= down;
          progressed = true;
        }
      }
    }

    // Old ReplicaSets beyond revisionHistoryLimit are removed once empty.
    const history = ownedReplicaSets(ctx, d).filter(
      rs =>
        rs.metadata.uid !== newRS?.metadata.uid &&
        (rs.spec?.replicas ?? 0) === 0 &&
        (rs.status?.replicas ?? 0) === 0,
    );
    const limit = d.spec.revisionHistoryLimit ?? 10;
    for (const rs of history.slice(0, Math.max(0, history.length - limit))) {
      store.remove(replicaSets, rs.metadata.namespace, rs.metadata.name);
    }

    d = store.get(deployments, namespace, name)!;
    if (
      newRS &&
      d.metadata.annotations?.[revisionAnnotation] !==
        newRS.metadata.annotations?.[revisionAnnotation]
    ) {
      d = store.replace(deployments, {
        ...d,
        metadata: {
          ...d.metadata,
          annotations: {
            ...(d.metadata.annotations ?? {}),
            [revisionAnnotation]:
              newRS.metadata.annotations?.[revisionAnnotation] ?? '1',
          },
        },
      });
    }
    const sets = ownedReplicaSets(ctx, d);
    const fresh = newRS
      ? sets.find(rs => rs.metadata.uid === newRS!.metadata.uid)
      : undefined;
    const sum = (f: (rs: KubeObject) => number) =>
      sets.reduce((n, rs) => n + f(rs), 0);
    const statusReplicas = sum(rs => rs.status?.replicas ?? 0);
    const updated = fresh?.status?.replicas ?? 0;
    const ready = sum(rs => rs.status?.readyReplicas ?? 0);
    const available = sum(rs => rs.status?.availableReplicas ?? 0);
    const specTotal = sum(rs => rs.spec?.replicas ?? 0);
    const maxUnavailableNow =
      d.spec.strategy?.type === 'Recreate'
        ? 0
        : intOrPercent(
            d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
            replicas,
            false,
          );
    const previous = d.status ?? {};
    const prevConditions: any[] = previous.conditions ?? [];
    const prevProgressing = prevConditions.find(c => c.type === 'Progressing');
    const prevAvailable = prevConditions.find(c => c.type === 'Available');
    const now = timestamp(ctx);
    if (
      previous.updatedReplicas !== updated ||
      previous.availableReplicas !== available ||
      previous.readyReplicas !== ready ||
      previous.replicas !== statusReplicas
    ) {
      progressed = true;
    }
    const availableCondition =
      available >= replicas - maxUnavailableNow
        ? condition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
            now,
            prevAvailable,
            false,
          )
        : condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
            now,
            prevAvailable,
            false,
          );
    const rsName = fresh?.metadata.name ?? name;
    const complete =
      fresh !== undefined &&
      updated === replicas &&
      available === replicas &&
      statusReplicas === replicas &&
      (fresh.spec?.replicas ?? 0) === replicas;
    const deadline = d.spec.progressDeadlineSeconds ?? 600;
    let progressing;
    if (paused) {
      progressing = condition(
        'Progressing',
        'Unknown',
        'DeploymentPaused',
        'Deployment is paused',
        now,
        prevProgressing,
      );
    } else if (complete) {
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
        now,
        prevProgressing,
        prevProgressing?.reason !== 'NewReplicaSetAvailable',
      );
    } else if (
      progressed ||
      !prevProgressing ||
      (prevProgressing.status !== 'True' &&
        prevProgressing.reason !== 'ProgressDeadlineExceeded')
    ) {
      const created =
        prevProgressing === undefined ||
        prevProgressing.reason === 'NewReplicaSetAvailable';
      progressing = condition(
        'Progressing',
        'True',
        created && fresh && fresh.metadata.creationTimestamp === now
          ? 'NewReplicaSetCreated'
          : 'ReplicaSetUpdated',
        created && fresh && fresh.metadata.creationTimestamp === now
          ? `Created new replica set "${rsName}"`
          : `ReplicaSet "${rsName}" is progressing.`,
        now,
        prevProgressing,
        true,
      );
      loop.enqueueAt(
        'deployment',
        key,
        ctx.clock.now() + deadline * 1000 + 1000,
      );
    } else if (
      prevProgressing.status === 'True' &&
      ctx.clock.now() >
        Date.parse(prevProgressing.lastUpdateTime) + deadline * 1000
    ) {
      progressing = condition(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
        now,
        prevProgressing,
        true,
      );
    } else {
      progressing = prevProgressing;
      if (prevProgressing.status === 'True') {
        loop.enqueueAt(
          'deployment',
          key,
          Date.parse(prevProgressing.lastUpdateTime) + deadline * 1000 + 1000,
        );
      }
    }
    const status: Record<string, unknown> = {
      observedGeneration: d.metadata.generation,
      replicas: statusReplicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
    };
    const unavailable = specTotal - available;
    if (unavailable > 0) status.unavailableReplicas = unavailable;
    status.conditions = [availableCondition, progressing];
    for (const field of [
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
    ]) {
      if (status[field] === 0) delete status[field];
    }
    writeStatus(ctx, deployments, d, status);
  });

  store.subscribe(change => {
    if (change.typeKey === 'deployments.apps' && change.type !== 'DELETED') {
      loop.enqueue('deployment', change.key);
    } else if (change.typeKey === 'replicasets.apps') {
      const owner = (change.object.metadata.ownerReferences ?? []).find(
        o => o.controller && o.kind === 'Deployment',
      );
      if (owner)
        loop.enqueue(
          'deployment',
          `${change.object.metadata.namespace}/${owner.name}`,
        );
    }
  });
}

function maxSurgeOf(d: KubeObject): number {
  if (d.spec?.strategy?.type === 'Recreate') return 0;
  return intOrPercent(
    d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%',
    d.spec?.replicas ?? 1,
    true,
  );
}
