import {
  compareIstioVersions,
  compareText,
  compareWarnings,
  minorDistance,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type {
  ClusterInventory,
  FleetCluster,
  FleetRevision,
  FleetSummary,
  Warning,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

function newest(versions: Iterable<string | undefined>): string | undefined {
  let best: string | undefined;
  for (const version of versions) {
    if (
      version !== undefined &&
      (best === undefined || compareIstioVersions(version, best) > 0)
    ) {
      best = version;
    }
  }
  return best;
}

function oldest(versions: Iterable<string | undefined>): string | undefined {
  let best: string | undefined;
  for (const version of versions) {
    if (
      version !== undefined &&
      (best === undefined || compareIstioVersions(version, best) < 0)
    ) {
      best = version;
    }
  }
  return best;
}

function revisionsOf(inventory: ClusterInventory): FleetRevision[] {
  const revisions: FleetRevision[] = inventory.controlPlanes.map(cp => ({
    revision: cp.revision,
    ...(cp.version !== undefined && { version: cp.version }),
    pods: cp.inUse.pods,
    namespaces: cp.inUse.namespaces,
    support: cp.support,
    safeToRemove: cp.safeToRemove,
  }));
  // Revisions that pods still run after their control plane went away: nothing to remove, but
  // their pods count, and a platform team needs to see them.
  const known = new Set(revisions.map(r => r.revision));
  const detached = new Map<
    string,
    { pods: number; versions: Map<string, number> }
  >();
  for (const namespace of inventory.namespaces) {
    for (const entry of namespace.podsByRevision) {
      if (entry.revision === undefined || known.has(entry.revision)) {
        continue;
      }
      let tally = detached.get(entry.revision);
      if (!tally) {
        tally = { pods: 0, versions: new Map() };
        detached.set(entry.revision, tally);
      }
      tally.pods += entry.count;
      if (entry.version !== undefined) {
        tally.versions.set(
          entry.version,
          (tally.versions.get(entry.version) ?? 0) + entry.count,
        );
      }
    }
  }
  for (const [revision, tally] of detached) {
    const version = [...tally.versions.entries()].sort(
      (a, b) => b[1] - a[1] || compareIstioVersions(a[0], b[0]),
    )[0]?.[0];
    revisions.push({
      revision,
      ...(version !== undefined && { version }),
      pods: tally.pods,
      namespaces: inventory.namespaces.filter(
        n => n.desiredRevision === revision,
      ).length,
      support: { status: 'unknown' },
    });
  }
  return revisions.sort((a, b) => compareText(a.revision, b.revision));
}

/**
 * What the fleet summary takes from one cluster's inventory, apart from what depends on the rest of
 * the fleet (how far it is behind the fleet's newest): kept per cluster and recomputed only when that
 * cluster's inventory changes.
 *
 * @public
 */
export interface FleetClusterPart {
  /** The cluster's row, without `minorsBehindFleet`. */
  row: FleetCluster;
  /** The cluster's warnings, marked with the cluster. */
  warnings: Warning[];
}

/**
 * The fleet page's row of one cluster and its warnings (see {@link buildFleetSummary}).
 *
 * @public
 */
export function summarizeFleetCluster(
  inventory: ClusterInventory,
): FleetClusterPart {
  const clusterNewest = newest(inventory.controlPlanes.map(cp => cp.version));
  const oldestProxy = oldest(
    inventory.namespaces.flatMap(n =>
      n.podsByRevision
        .filter(r => r.revision !== undefined && r.count > 0)
        .map(r => r.version),
    ),
  );
  const teams = new Set<string>();
  for (const namespace of inventory.namespaces) {
    if (namespace.team !== undefined && namespace.pods > 0) {
      teams.add(namespace.team);
    }
  }
  const warningCounts = { error: 0, warning: 0, info: 0 };
  const warnings: Warning[] = [];
  for (const warning of inventory.warnings) {
    warningCounts[warning.severity]++;
    warnings.push({ ...warning, cluster: inventory.cluster.name });
  }
  return {
    row: {
      cluster: inventory.cluster,
      revisions: revisionsOf(inventory),
      ...(clusterNewest !== undefined && { newestVersion: clusterNewest }),
      ...(oldestProxy !== undefined && { oldestProxyVersion: oldestProxy }),
      teams: [...teams].sort(),
      namespaces: inventory.totals.namespaces,
      pods: inventory.totals.pods,
      injectedPods: inventory.totals.injectedPods,
      podsNeedingRestart: inventory.totals.podsNeedingRestart,
      warningCounts,
    },
    warnings,
  };
}

/**
 * The fleet summary from every cluster's {@link FleetClusterPart}: the fleet's newest control plane,
 * each cluster's distance to it, and every warning, most severe first.
 *
 * @public
 */
export function assembleFleetSummary(
  parts: ReadonlyArray<FleetClusterPart>,
  now: number | Date,
): FleetSummary {
  const sorted = [...parts].sort((a, b) =>
    compareText(a.row.cluster.name, b.row.cluster.name),
  );
  const fleetNewest = newest(sorted.map(p => p.row.newestVersion));
  const clusters: FleetCluster[] = sorted.map(({ row }) => {
    const behind = minorDistance(row.newestVersion, fleetNewest);
    return behind === undefined ? row : { ...row, minorsBehindFleet: behind };
  });
  return {
    generatedAt: new Date(
      typeof now === 'number' ? now : now.getTime(),
    ).toISOString(),
    ...(fleetNewest !== undefined && { newestVersion: fleetNewest }),
    clusters,
    warnings: sorted.flatMap(p => p.warnings).sort(compareWarnings),
  };
}

/**
 * Summarises every cluster's inventory for the fleet page: per cluster its revisions, newest
 * control-plane version and how many minors it is behind the fleet's newest, its oldest proxy,
 * its teams and warning counts; and every warning of the fleet, marked with its cluster, most
 * severe first.
 *
 * @public
 */
export function buildFleetSummary(
  inventories: ReadonlyArray<ClusterInventory>,
  now: number | Date,
): FleetSummary {
  return assembleFleetSummary(inventories.map(summarizeFleetCluster), now);
}
