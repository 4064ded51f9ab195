import { resourceTypeNamed } from '../api/resourceTypes';
import { ApiError } from '../api/statusErrors';
import { KubeObject } from '../store/kubeObject';
import { ClusterContext } from './clusterContext';
import { PodFactory } from './podFactory';
import { terminatePod } from './podTermination';
import { podIsReady } from './podStatus';
import { ownedPods, podAvailable, writeStatus } from './replicaSetController';
import { intOrPercent, templateHash } from './templateHash';

const daemonSets = resourceTypeNamed('daemonsets');
const nodes = resourceTypeNamed('nodes');
const revisionLabel = 'controller-revision-hash';

/**
 * The DaemonSet controller: one pod per eligible Node (by nodeSelector), rolling update by
 * `maxUnavailable`, and the scheduled/updated/available counts `kubectl rollout status` reads.
 */
export function registerDaemonSetController(
  ctx: ClusterContext,
  factory: PodFactory,
) {
  const { store, loop } = ctx;
  loop.register('daemonset', key => {
    const [namespace, name] = key.split('/');
    const ds = store.get(daemonSets, namespace, name);
    if (!ds) return;
    const hash = templateHash(ds.spec.template);
    const selector: Record<string, string> =
      ds.spec?.template?.spec?.nodeSelector ?? {};
    const eligible = store
      .list(nodes)
      .filter(n =>
        Object.entries(selector).every(
          ([k, v]) => n.metadata.labels?.[k] === v,
        ),
      );
    const byNode = new Map<string, KubeObject>();
    // Nodes whose old pod is still terminating get their new pod once it is gone (maxSurge 0).
    const draining = new Set(
      ownedPods(ctx, ds, true)
        .filter(p => p.metadata.deletionTimestamp)
        .map(p => p.spec?.nodeName),
    );
    for (const p of ownedPods(ctx, ds)) {
      if (
        byNode.has(p.spec?.nodeName) ||
        !eligible.some(n => n.metadata.name === p.spec?.nodeName)
      ) {
        terminatePod(ctx, p);
      } else {
        byNode.set(p.spec.nodeName, p);
      }
    }
    for (const node of eligible) {
      if (byNode.has(node.metadata.name) || draining.has(node.metadata.name))
        continue;
      try {
        const pod = factory.create(
          ds,
          ds.spec.template,
          { generateName: `${name}-` },
          {
            [revisionLabel]: hash,
            'pod-template-generation': String(ds.metadata.generation ?? 1),
          },
          node.metadata.name,
        );
        byNode.set(node.metadata.name, pod);
      } catch (error) {
        const failure =
          error instanceof ApiError
            ? error
            : new ApiError(500, 'InternalError', String(error));
        ctx.recordEvent(
          ds,
          'Warning',
          'FailedCreate',
          `Error creating: ${failure.message}`,
          'daemonset-controller',
        );
        loop.enqueueAt('daemonset', key, ctx.clock.now() + 2000);
        break;
      }
    }
    if (ds.spec?.updateStrategy?.type !== 'OnDelete') {
      const maxUnavailable = Math.max(
        1,
        intOrPercent(
          ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1,
          eligible.length,
          false,
        ),
      );
      let unavailable =
        [...byNode.values()].filter(p => !podIsReady(p)).length +
        (eligible.length - byNode.size);
      for (const pod of byNode.values()) {
        if (unavailable >= maxUnavailable) break;
        if (pod.metadata.labels?.[revisionLabel] !== hash) {
          terminatePod(ctx, pod);
          unavailable++;
        }
      }
    }
    const current = ownedPods(ctx, ds);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const available = current.filter(p =>
      podAvailable(ctx, p, minReady),
    ).length;
    const fresh = store.get(daemonSets, namespace, name)!;
    const status: Record<string, unknown> = {
      currentNumberScheduled: current.length,
      numberMisscheduled: 0,
      desiredNumberScheduled: eligible.length,
      numberReady: current.filter(podIsReady).length,
      observedGeneration: fresh.metadata.generation,
      updatedNumberScheduled: current.filter(
        p => p.metadata.labels?.[revisionLabel] === hash,
      ).length,
      numberAvailable: available,
    };
    if (eligible.length - available > 0)
      status.numberUnavailable = eligible.length - available;
    writeStatus(ctx, daemonSets, fresh, status);
  });

  store.subscribe(change => {
    if (change.typeKey === 'daemonsets.apps' && change.type !== 'DELETED') {
      loop.enqueue('daemonset', change.key);
    } else if (change.typeKey === 'nodes') {
      for (const ds of store.list(daemonSets))
        loop.enqueue(
          'daemonset',
          `${ds.metadata.namespace}/${ds.metadata.name}`,
        );
    } else if (change.typeKey === 'pods') {
      const owner = (change.object.metadata.ownerReferences ?? []).find(
        o => o.controller && o.kind === 'DaemonSet',
      );
      if (owner)
        loop.enqueue(
          'daemonset',
          `${change.object.metadata.namespace}/${owner.name}`,
        );
    }
  });
}
