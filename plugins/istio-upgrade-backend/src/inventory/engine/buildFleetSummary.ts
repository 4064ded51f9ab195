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
  const sorted = [...inventories].sort((a, b) =>
    compareText(a.cluster.name, b.cluster.name),
  );
  const fleetNewest = newest(
    sorted.flatMap(i => i.controlPlanes.map(cp => cp.version)),
  );
  const warnings: Warning[] = [];
  const clusters: FleetCluster[] = sorted.map(inventory => {
    const clusterNewest = newest(inventory.controlPlanes.map(cp => cp.version));
    const behind = minorDistance(clusterNewest, fleetNewest);
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
    for (const warning of inventory.warnings) {
      warningCounts[warning.severity]++;
      warnings.push({ ...warning, cluster: inventory.cluster.name });
    }
    return {
      cluster: inventory.cluster,
      revisions: revisionsOf(inventory),
      ...(clusterNewest !== undefined && { newestVersion: clusterNewest }),
      ...(behind !== undefined && { minorsBehindFleet: behind }),
      ...(oldestProxy !== undefined && { oldestProxyVersion: oldestProxy }),
      teams: [...teams].sort(),
      namespaces: inventory.totals.namespaces,
      pods: inventory.totals.pods,
      injectedPods: inventory.totals.injectedPods,
      podsNeedingRestart: inventory.totals.podsNeedingRestart,
      warningCounts,
    };
  });
  return {
    generatedAt: new Date(
      typeof now === 'number' ? now : now.getTime(),
    ).toISOString(),
    ...(fleetNewest !== undefined && { newestVersion: fleetNewest }),
    clusters,
    warnings: warnings.sort(compareWarnings),
  };
}
