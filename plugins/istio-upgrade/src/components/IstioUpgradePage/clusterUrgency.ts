import {
  compareIstioVersions,
  compareText,
  FleetCluster,
  INVENTORY_WARNING_CODES,
  Warning,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** What makes a cluster need attention, most urgent first. */
export type ClusterFinding =
  | 'end-of-life'
  | 'unsupported-skew'
  | 'drift'
  | 'behind'
  | 'end-of-life-soon'
  | 'version-unknown';

/** The findings in the order the fleet table ranks them. */
export const FINDING_ORDER: ReadonlyArray<ClusterFinding> = [
  'end-of-life',
  'unsupported-skew',
  'drift',
  'behind',
  'end-of-life-soon',
  'version-unknown',
];

const FINDING_LABELS: Record<ClusterFinding, string> = {
  'end-of-life': 'End of life',
  'unsupported-skew': 'Unsupported skew',
  drift: 'Drift',
  behind: 'Behind newest',
  'end-of-life-soon': 'End of life soon',
  'version-unknown': 'Version unknown',
};

/** A cluster's findings, its rank among the fleet's clusters and its status text. */
export interface ClusterUrgency {
  findings: ClusterFinding[];
  /** Position of its most urgent finding in {@link FINDING_ORDER}; one past the end when none. */
  rank: number;
  /** The findings in words, e.g. "End of life, Drift"; "Up to date" when none. */
  status: string;
}

/**
 * Ranks a cluster by the warnings and support statuses the fleet summary carries: an end-of-life
 * control plane first, then proxies in an unsupported skew, then drift (pods not yet restarted onto
 * their namespace's revision), then a newest control plane behind the fleet's newest.
 */
export function clusterUrgency(
  cluster: FleetCluster,
  warnings: ReadonlyArray<Warning>,
  fleetNewest: string | undefined,
): ClusterUrgency {
  const codes = new Set(warnings.map(w => w.code));
  const supports = new Set(cluster.revisions.map(r => r.support.status));
  const found = new Set<ClusterFinding>();
  if (
    codes.has(INVENTORY_WARNING_CODES.endOfLife) ||
    supports.has('end-of-life')
  ) {
    found.add('end-of-life');
  }
  if (codes.has(INVENTORY_WARNING_CODES.unsupportedSkew)) {
    found.add('unsupported-skew');
  }
  if (codes.has(INVENTORY_WARNING_CODES.drift)) found.add('drift');
  if (cluster.newestVersion === undefined) {
    found.add('version-unknown');
  } else if (
    fleetNewest !== undefined &&
    compareIstioVersions(cluster.newestVersion, fleetNewest) < 0
  ) {
    found.add('behind');
  }
  if (
    codes.has(INVENTORY_WARNING_CODES.endOfLifeSoon) ||
    supports.has('ending-soon')
  ) {
    found.add('end-of-life-soon');
  }
  const findings = FINDING_ORDER.filter(f => found.has(f));
  return {
    findings,
    rank: findings.length
      ? FINDING_ORDER.indexOf(findings[0])
      : FINDING_ORDER.length,
    status: findings.length
      ? findings.map(f => FINDING_LABELS[f]).join(', ')
      : 'Up to date',
  };
}

/** A cluster of the fleet table with what the table sorts, filters and groups by. */
export interface FleetTableEntry {
  cluster: FleetCluster;
  urgency: ClusterUrgency;
  /** The cluster's title, or its name. */
  title: string;
  /** The owner's entity reference as the catalog gives it, or undefined. */
  owner?: string;
  /** The owner as people read it: the name, with the namespace when not `default`. */
  ownerName: string;
  /** Lower-case text the free-text filter searches: names, owner, revisions, versions, status. */
  searchText: string;
}

/** The owner's name from an entity reference such as `group:default/platform-team`. */
export function ownerNameOf(owner: string | undefined): string {
  if (!owner) return 'No owner';
  const match = /^(?:[^:]+:)?(?:([^/]+)\/)?(.+)$/.exec(owner);
  if (!match) return owner;
  const [, namespace, name] = match;
  return namespace && namespace !== 'default' ? `${namespace}/${name}` : name;
}

/** The fleet's clusters as table entries, with their urgency from the fleet's warnings. */
export function fleetTableEntries(
  clusters: ReadonlyArray<FleetCluster>,
  warnings: ReadonlyArray<Warning>,
  fleetNewest: string | undefined,
): FleetTableEntry[] {
  const warningsOf = new Map<string, Warning[]>();
  for (const warning of warnings) {
    if (warning.cluster === undefined) continue;
    const list = warningsOf.get(warning.cluster) ?? [];
    list.push(warning);
    warningsOf.set(warning.cluster, list);
  }
  return clusters.map(cluster => {
    const urgency = clusterUrgency(
      cluster,
      warningsOf.get(cluster.cluster.name) ?? [],
      fleetNewest,
    );
    const title = cluster.cluster.title ?? cluster.cluster.name;
    const ownerName = ownerNameOf(cluster.cluster.owner);
    return {
      cluster,
      urgency,
      title,
      ...(cluster.cluster.owner !== undefined && {
        owner: cluster.cluster.owner,
      }),
      ownerName,
      searchText: [
        cluster.cluster.name,
        title,
        cluster.cluster.owner ?? '',
        ownerName,
        ...cluster.revisions.flatMap(r => [r.revision, r.version ?? '']),
        urgency.status,
      ]
        .join('\n')
        .toLocaleLowerCase('en-US'),
    };
  });
}

/** Columns the fleet table sorts by. */
export type FleetSortKey =
  | 'urgency'
  | 'cluster'
  | 'owner'
  | 'version'
  | 'pods'
  | 'warnings';

/** Most urgent first: rank, then more minors behind, more errors, more warnings, then name. */
export function compareUrgency(a: FleetTableEntry, b: FleetTableEntry): number {
  return (
    a.urgency.rank - b.urgency.rank ||
    (b.cluster.minorsBehindFleet ?? 0) - (a.cluster.minorsBehindFleet ?? 0) ||
    b.cluster.warningCounts.error - a.cluster.warningCounts.error ||
    b.cluster.warningCounts.warning - a.cluster.warningCounts.warning ||
    compareText(a.cluster.cluster.name, b.cluster.cluster.name)
  );
}

const COMPARATORS: Record<
  FleetSortKey,
  (a: FleetTableEntry, b: FleetTableEntry) => number
> = {
  urgency: compareUrgency,
  cluster: (a, b) => a.title.localeCompare(b.title, 'en-US', { numeric: true }),
  owner: (a, b) =>
    (a.owner === undefined ? 1 : 0) - (b.owner === undefined ? 1 : 0) ||
    a.ownerName.localeCompare(b.ownerName, 'en-US'),
  version: (a, b) =>
    (a.cluster.newestVersion === undefined ? 1 : 0) -
      (b.cluster.newestVersion === undefined ? 1 : 0) ||
    compareIstioVersions(a.cluster.newestVersion, b.cluster.newestVersion),
  pods: (a, b) => a.cluster.pods - b.cluster.pods,
  warnings: (a, b) =>
    a.cluster.warningCounts.error - b.cluster.warningCounts.error ||
    a.cluster.warningCounts.warning - b.cluster.warningCounts.warning,
};

/**
 * Entries sorted by a column, ascending or descending, with urgency then name breaking ties (so
 * that equal rows keep the most urgent first whichever way the column runs).
 */
export function sortFleetEntries(
  entries: ReadonlyArray<FleetTableEntry>,
  key: FleetSortKey,
  direction: 'asc' | 'desc',
): FleetTableEntry[] {
  const sign = direction === 'asc' ? 1 : -1;
  const compare = COMPARATORS[key];
  return [...entries].sort(
    (a, b) =>
      sign * compare(a, b) || (key === 'urgency' ? 0 : compareUrgency(a, b)),
  );
}

/** Entries whose name, title, owner, revisions, versions or status contain `text` (any case). */
export function filterFleetEntries(
  entries: ReadonlyArray<FleetTableEntry>,
  text: string,
): ReadonlyArray<FleetTableEntry> {
  const needle = text.trim().toLocaleLowerCase('en-US');
  if (!needle) return entries;
  return entries.filter(e => e.searchText.includes(needle));
}

/**
 * Entries grouped by owner, keeping their order within a group; groups come in the order of their
 * first entry, so that under the default sort the owner of the most urgent cluster comes first.
 */
export function groupFleetEntriesByOwner(
  entries: ReadonlyArray<FleetTableEntry>,
): Array<{ owner?: string; ownerName: string; entries: FleetTableEntry[] }> {
  const groups = new Map<
    string,
    { owner?: string; ownerName: string; entries: FleetTableEntry[] }
  >();
  for (const entry of entries) {
    const key = entry.owner ?? '';
    let group = groups.get(key);
    if (!group) {
      group = {
        ...(entry.owner !== undefined && { owner: entry.owner }),
        ownerName: entry.ownerName,
        entries: [],
      };
      groups.set(key, group);
    }
    group.entries.push(entry);
  }
  return [...groups.values()];
}
