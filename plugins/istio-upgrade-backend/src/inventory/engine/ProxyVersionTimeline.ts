import type { ControlPlaneRollout } from './inventoryInput';
import { lowerBound, upperBound } from './sortedSearch';

/**
 * Tells which proxy version a pod runs from the rollouts of its revision's control plane: the
 * version of the rollout current when the pod was created (the injector stamps its own version
 * into the pod), else the revision's current version.
 *
 * @internal
 */
export class ProxyVersionTimeline {
  readonly #rollouts = new Map<string, ControlPlaneRollout[]>();
  /** Each revision's rollouts' `since`, in the same (ascending) order. */
  readonly #since = new Map<string, number[]>();
  readonly #current: ReadonlyMap<string, string | undefined>;

  /**
   * @param rollouts - istiod ReplicaSets seen, in any order
   * @param current - each existing control plane's current version, by revision
   */
  constructor(
    rollouts: Iterable<ControlPlaneRollout>,
    current: ReadonlyMap<string, string | undefined>,
  ) {
    this.#current = current;
    for (const rollout of rollouts) {
      const list = this.#rollouts.get(rollout.revision);
      if (list) {
        list.push(rollout);
      } else {
        this.#rollouts.set(rollout.revision, [rollout]);
      }
    }
    for (const [revision, list] of this.#rollouts) {
      list.sort((a, b) => a.since - b.since);
      this.#since.set(
        revision,
        list.map(r => r.since),
      );
    }
  }

  /** The proxy version of a pod of `revision` created at `createdAt` (epoch ms), when known. */
  versionOf(revision: string, createdAt?: number): string | undefined {
    const rollouts = this.#rollouts.get(revision);
    if (!rollouts || rollouts.length === 0) {
      return this.#current.get(revision);
    }
    if (createdAt === undefined) {
      return this.#current.has(revision)
        ? this.#current.get(revision)
        : rollouts[rollouts.length - 1].version;
    }
    // The last rollout created at or before the pod.
    const found = upperBound(this.#since.get(revision)!, createdAt) - 1;
    // A pod older than every rollout still known was injected by one no longer visible: its
    // version is unknown, and guessing the oldest known one would hide skew.
    return found < 0 ? undefined : rollouts[found].version;
  }

  /**
   * What {@link ProxyVersionTimeline.versionOf} tells each of a group of pods of `revision`, counted:
   * `createdAt` holds the creation times of the pods that have one (ascending), `withoutCreatedAt`
   * says how many have none. Calls `add(version, count)` once per version with a count above zero.
   */
  countByVersion(
    revision: string,
    createdAt: ReadonlyArray<number>,
    withoutCreatedAt: number,
    add: (version: string | undefined, count: number) => void,
  ): void {
    const rollouts = this.#rollouts.get(revision);
    if (!rollouts || rollouts.length === 0) {
      add(this.#current.get(revision), createdAt.length + withoutCreatedAt);
      return;
    }
    if (withoutCreatedAt > 0) {
      add(this.versionOf(revision), withoutCreatedAt);
    }
    // Pods created before the first rollout still known: unknown version (as versionOf says).
    let from = 0;
    for (let i = 0; i <= rollouts.length; i++) {
      const to =
        i < rollouts.length
          ? lowerBound(createdAt, rollouts[i].since)
          : createdAt.length;
      if (to > from) {
        add(i === 0 ? undefined : rollouts[i - 1].version, to - from);
      }
      from = Math.max(from, to);
    }
  }
}
