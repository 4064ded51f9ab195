import {
  compareIstioVersions,
  compareText,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { RevisionCount } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * Counts pods per sidecar revision and proxy version.
 *
 * @internal
 */
export class RevisionCounter {
  readonly #counts = new Map<string, RevisionCount>();

  add(revision: string | undefined, version: string | undefined, count = 1) {
    const key = `${revision ?? ''}\u0000${version ?? ''}`;
    const entry = this.#counts.get(key);
    if (entry) {
      entry.count += count;
      return;
    }
    const created: RevisionCount = { count };
    if (revision !== undefined) {
      created.revision = revision;
    }
    if (version !== undefined) {
      created.version = version;
    }
    this.#counts.set(key, created);
  }

  /** The counts, by revision (pods without a sidecar last), then version. */
  list(): RevisionCount[] {
    return [...this.#counts.values()]
      .map(entry => ({ ...entry }))
      .sort(compareRevisionCounts);
  }

  /** The revision and version most pods with a sidecar run (ties to the lower revision name). */
  dominant(): RevisionCount | undefined {
    let best: RevisionCount | undefined;
    for (const entry of this.#counts.values()) {
      if (
        entry.revision !== undefined &&
        (!best ||
          entry.count > best.count ||
          (entry.count === best.count &&
            compareRevisionCounts(entry, best) < 0))
      ) {
        best = entry;
      }
    }
    return best;
  }
}

/** @internal Orders revision counts by revision (no sidecar last), then proxy version. */
export function compareRevisionCounts(a: RevisionCount, b: RevisionCount) {
  if (a.revision !== b.revision) {
    if (a.revision === undefined) {
      return 1;
    }
    if (b.revision === undefined) {
      return -1;
    }
    return compareText(a.revision, b.revision);
  }
  return compareIstioVersions(a.version, b.version);
}
