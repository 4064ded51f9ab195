import {
  compareIstioVersions,
  compareText,
  FleetCluster,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** Pods and namespaces on one revision name (or one Istio version) summed over clusters. */
export interface FleetTotal {
  /** The revision name; for a version total, every revision name that runs it. */
  revisions: string[];
  /** The Istio version; absent when no control plane or proxy reports one. */
  version?: string;
  pods: number;
  namespaces: number;
  /** Clusters with this revision (or version). */
  clusters: number;
}

/** The fleet's totals: everything summed, per revision name and per Istio version, newest first. */
export interface FleetTotals {
  clusters: number;
  pods: number;
  injectedPods: number;
  namespaces: number;
  byRevision: FleetTotal[];
  byVersion: FleetTotal[];
}

function newestFirst(a: FleetTotal, b: FleetTotal): number {
  if (a.version === undefined || b.version === undefined) {
    return (
      (a.version === undefined ? 1 : 0) - (b.version === undefined ? 1 : 0) ||
      compareText(a.revisions[0] ?? '', b.revisions[0] ?? '')
    );
  }
  return (
    compareIstioVersions(b.version, a.version) ||
    compareText(a.revisions[0] ?? '', b.revisions[0] ?? '')
  );
}

function add(
  totals: Map<string, FleetTotal & { seenIn: Set<string> }>,
  key: string,
  cluster: string,
  entry: {
    revision: string;
    version?: string;
    pods: number;
    namespaces: number;
  },
) {
  let total = totals.get(key);
  if (!total) {
    total = {
      revisions: [],
      ...(entry.version !== undefined && { version: entry.version }),
      pods: 0,
      namespaces: 0,
      clusters: 0,
      seenIn: new Set(),
    };
    totals.set(key, total);
  }
  total.pods += entry.pods;
  total.namespaces += entry.namespaces;
  if (!total.revisions.includes(entry.revision)) {
    total.revisions.push(entry.revision);
  }
  if (!total.seenIn.has(cluster)) {
    total.seenIn.add(cluster);
    total.clusters++;
  }
}

function finish(
  totals: Map<string, FleetTotal & { seenIn: Set<string> }>,
): FleetTotal[] {
  return [...totals.values()]
    .map(({ seenIn: _seenIn, ...total }) => ({
      ...total,
      revisions: total.revisions.sort(compareText),
    }))
    .sort(newestFirst);
}

/**
 * Sums the fleet summary's per-cluster revisions: pods and namespaces per revision name (the same
 * name on several clusters counts once, with the clusters it runs on) and per Istio version.
 */
export function computeFleetTotals(
  clusters: ReadonlyArray<FleetCluster>,
): FleetTotals {
  const byRevision = new Map<string, FleetTotal & { seenIn: Set<string> }>();
  const byVersion = new Map<string, FleetTotal & { seenIn: Set<string> }>();
  let pods = 0;
  let injectedPods = 0;
  let namespaces = 0;
  for (const cluster of clusters) {
    pods += cluster.pods;
    injectedPods += cluster.injectedPods;
    namespaces += cluster.namespaces;
    for (const revision of cluster.revisions) {
      // A revision name can run different versions on different clusters: one row per pair.
      add(
        byRevision,
        `${revision.revision}\u0000${revision.version ?? ''}`,
        cluster.cluster.name,
        revision,
      );
      add(byVersion, revision.version ?? '', cluster.cluster.name, revision);
    }
  }
  return {
    clusters: clusters.length,
    pods,
    injectedPods,
    namespaces,
    byRevision: finish(byRevision),
    byVersion: finish(byVersion),
  };
}
