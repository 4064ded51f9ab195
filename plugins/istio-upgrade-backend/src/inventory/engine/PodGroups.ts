import type { PodRecord, StringMap } from './records';
import { lowerBound } from './sortedSearch';

/**
 * Pods that the inventory cannot tell apart but by their creation time: same namespace, same
 * (interned) labels, same sidecar revision, same workload, gateway or not. The pods of one
 * ReplicaSet on one revision are one group, so a cluster of 5,000 pods in 500 Deployments is about
 * 500 groups, and the inventory counts groups instead of pods.
 *
 * @public
 */
export interface PodGroup {
  readonly namespace: string;
  readonly labels: StringMap;
  readonly revision?: string;
  readonly workload?: string;
  readonly gateway?: boolean;
  /** How many pods the group holds. */
  readonly count: number;
  /**
   * The creation times (epoch ms) of the pods that have one, ascending: with the control plane's
   * rollouts they tell which proxy version each pod was injected with.
   */
  readonly createdAt: ReadonlyArray<number>;
}

interface MutableGroup extends PodGroup {
  count: number;
  createdAt: number[];
}

/**
 * Keeps pods in {@link PodGroup}s as they are added and removed (each watch event moves one pod
 * between groups in constant time, but for the sorted insertion of its creation time), so that
 * computing a cluster's inventory reads groups, not every pod. Groups are keyed by the labels
 * object itself: pods share one interned object per label set (see `LabelInterner`), and plain
 * records with equal but separate label objects merely make more groups, never wrong ones.
 *
 * @public
 */
export class PodGroups {
  readonly #groups = new Map<StringMap, Map<string, MutableGroup>>();
  #size = 0;

  /** Groups the given pods at once (for inputs that come as plain records). */
  static of(pods: Iterable<PodRecord>): PodGroups {
    const groups = new PodGroups();
    for (const pod of pods) groups.add(pod);
    return groups;
  }

  /** How many groups there are. */
  get size(): number {
    return this.#size;
  }

  add(pod: PodRecord): void {
    let byKey = this.#groups.get(pod.labels);
    if (!byKey) {
      byKey = new Map();
      this.#groups.set(pod.labels, byKey);
    }
    const key = keyOf(pod);
    let group = byKey.get(key);
    if (!group) {
      group = {
        namespace: pod.namespace,
        labels: pod.labels,
        ...(pod.revision !== undefined && { revision: pod.revision }),
        ...(pod.workload !== undefined && { workload: pod.workload }),
        ...(pod.gateway && { gateway: true }),
        count: 0,
        createdAt: [],
      };
      byKey.set(key, group);
      this.#size += 1;
    }
    group.count += 1;
    if (pod.createdAt !== undefined) {
      const times = group.createdAt;
      // Pods mostly arrive newest last: append without searching when they do.
      if (times.length === 0 || times[times.length - 1] <= pod.createdAt) {
        times.push(pod.createdAt);
      } else {
        times.splice(lowerBound(times, pod.createdAt), 0, pod.createdAt);
      }
    }
  }

  /** Takes back a pod {@link PodGroups.add} was given (the same record, or one equal to it). */
  remove(pod: PodRecord): void {
    const byKey = this.#groups.get(pod.labels);
    const key = keyOf(pod);
    const group = byKey?.get(key);
    if (!byKey || !group) return;
    group.count -= 1;
    if (pod.createdAt !== undefined) {
      const at = lowerBound(group.createdAt, pod.createdAt);
      if (group.createdAt[at] === pod.createdAt) group.createdAt.splice(at, 1);
    }
    if (group.count <= 0) {
      byKey.delete(key);
      this.#size -= 1;
      if (byKey.size === 0) this.#groups.delete(pod.labels);
    }
  }

  /** The groups as they are now: a live view, to be consumed at once. */
  *values(): IterableIterator<PodGroup> {
    for (const byKey of this.#groups.values()) {
      yield* byKey.values();
    }
  }
}

function keyOf(pod: PodRecord): string {
  return `${pod.namespace}\u0000${pod.revision ?? ''}\u0000${
    pod.workload ?? ''
  }\u0000${pod.gateway ? 1 : 0}`;
}
