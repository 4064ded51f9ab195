import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import {
  memo,
  useCallback,
  useDeferredValue,
  useId,
  useMemo,
  useState,
} from 'react';
import { Link as RouterLink } from 'react-router-dom';
import {
  FleetCluster,
  FleetRevision,
  Warning,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { describeSyncState } from '../ClusterSyncState';
import {
  colourKeyOf,
  RevisionKey,
  revisionPalette,
} from '../RevisionBar/revisionPalette';
import {
  FleetSortKey,
  FleetTableEntry,
  filterFleetEntries,
  fleetTableEntries,
  groupFleetEntriesByOwner,
  sortFleetEntries,
} from './clusterUrgency';
import { FleetClusterDetails, podSegments } from './FleetClusterDetails';

const COLUMNS = 9;

// The rows are plain elements styled like MUI's small table cells: 200 rows of MUI cells, chips,
// buttons and tooltips took over a second to mount, plain ones a fraction of that.
const useStyles = makeStyles((theme: Theme) => ({
  row: {
    '&:hover': { backgroundColor: theme.palette.action.hover },
  },
  cell: {
    ...theme.typography.body2,
    padding: theme.spacing(0.75, 2),
    borderBottom: `1px solid ${theme.palette.divider}`,
    textAlign: 'left',
    whiteSpace: 'nowrap',
    verticalAlign: 'middle',
  },
  rowHeader: { fontWeight: 'normal' },
  heading: { whiteSpace: 'nowrap' },
  scroller: { overflowX: 'auto' },
  toggle: {
    border: 'none',
    background: 'none',
    cursor: 'pointer',
    color: theme.palette.text.primary,
    fontSize: theme.typography.pxToRem(14),
    width: theme.spacing(3),
    padding: 0,
  },
  link: {
    color: theme.palette.primary.main,
    textDecoration: 'none',
    '&:hover': { textDecoration: 'underline' },
  },
  urgent: { color: theme.palette.error.main, fontWeight: 500 },
  attention: { color: theme.palette.warning.dark },
  calm: { color: theme.palette.text.secondary },
  inline: { display: 'flex', gap: theme.spacing(1), alignItems: 'center' },
  bar: {
    flex: 1,
    minWidth: 100,
    display: 'flex',
    height: theme.spacing(2),
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
    backgroundColor: theme.palette.action.hover,
  },
  segment: {
    height: '100%',
    '&:not(:last-child)': {
      borderRight: `1px solid ${theme.palette.background.paper}`,
    },
  },
  badge: {
    ...theme.typography.caption,
    borderRadius: 12,
    padding: theme.spacing(0.25, 1),
  },
  current: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  behind: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  farBehind: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  unknown: { border: `1px solid ${theme.palette.divider}` },
  sync: {
    display: 'inline-block',
    width: theme.spacing(1),
    height: theme.spacing(1),
    borderRadius: '50%',
    marginRight: theme.spacing(0.75),
  },
  synced: { backgroundColor: theme.palette.success.main },
  waiting: { backgroundColor: theme.palette.info.main },
  stale: { backgroundColor: theme.palette.warning.main },
  failed: { backgroundColor: theme.palette.error.main },
  group: { backgroundColor: theme.palette.background.default },
}));

type Classes = ReturnType<typeof useStyles>;

/** How far the cluster is behind the fleet's newest, as a small badge with the reason in its title. */
function behindBadge(
  classes: Classes,
  cluster: FleetCluster,
  fleetNewest: string | undefined,
) {
  const behind = cluster.minorsBehindFleet;
  if (behind === undefined) {
    return { className: classes.unknown, label: 'version unknown' };
  }
  if (behind <= 0)
    return { className: classes.current, label: 'newest in fleet' };
  return {
    className: behind > 2 ? classes.farBehind : classes.behind,
    label: `${behind} ${behind === 1 ? 'minor' : 'minors'} behind`,
    title: `Its newest control plane is ${
      cluster.newestVersion ?? '?'
    }; the fleet's is ${fleetNewest ?? '?'}. ${
      behind > 2
        ? 'More than one upgrade away: a revision-based upgrade jumps at most two minors.'
        : 'One revision-based upgrade (at most two minors) catches up.'
    }`,
  };
}

/** Errors and warnings in a few words: "none", "2 errors", "1 error, 3 warnings". */
function warningsInWords(counts: FleetCluster['warningCounts']): string {
  const parts = [
    counts.error &&
      `${counts.error} ${counts.error === 1 ? 'error' : 'errors'}`,
    counts.warning &&
      `${counts.warning} ${counts.warning === 1 ? 'warning' : 'warnings'}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

const SYNC_LIGHT: Record<
  FleetCluster['cluster']['sync']['state'],
  keyof Classes
> = {
  pending: 'waiting',
  syncing: 'waiting',
  synced: 'synced',
  stale: 'stale',
  error: 'failed',
  unavailable: 'failed',
};

interface Shared {
  classes: Classes;
  colourOf: (entry: RevisionKey) => string;
  fleetNewest?: string;
  palette: ReadonlyArray<FleetRevision>;
  maxPods: number;
  maxNamespaces: number;
  linkTo: (entityRef: string) => string;
  onToggle: (name: string) => void;
}

/**
 * The row's pods per revision: RevisionBar's drawing, with colours and styles from the table, so
 * that 200 rows share one palette and one style sheet (one image for screen readers, as there).
 */
function PodsBar(props: {
  cluster: FleetCluster;
  scale: number;
  classes: Classes;
  colourOf: (entry: RevisionKey) => string;
}) {
  const { classes, colourOf } = props;
  const shown = podSegments(props.cluster).filter(s => s.count > 0);
  const total = shown.reduce((sum, s) => sum + s.count, 0);
  const width = Math.max(props.scale, total, 1);
  const labelOf = (s: RevisionKey & { count: number }) =>
    `${
      s.revision === undefined
        ? 'no sidecar'
        : `${s.revision}${s.version ? ` (${s.version})` : ''}`
    }: ${s.count} pods`;
  return (
    <div
      className={classes.bar}
      role="img"
      aria-label={
        shown.length === 0 ? 'No pods' : shown.map(labelOf).join('; ')
      }
    >
      {shown.map(s => (
        <div
          key={s.revision ?? ''}
          className={classes.segment}
          title={labelOf(s)}
          style={{
            width: `${(s.count / width) * 100}%`,
            backgroundColor: colourOf(s),
          }}
        />
      ))}
    </div>
  );
}

const ClusterRow = memo(function ClusterTableRow(
  props: { entry: FleetTableEntry; expanded: boolean } & Shared,
) {
  const { classes, colourOf } = props;
  const { entry, expanded } = props;
  const { cluster, urgency } = entry;
  const name = cluster.cluster.name;
  const istioTab = `${props.linkTo(cluster.cluster.entityRef)}/istio`;
  let statusClass = classes.calm;
  if (urgency.rank <= 1) statusClass = classes.urgent;
  else if (urgency.findings.length) statusClass = classes.attention;
  const behind = behindBadge(classes, cluster, props.fleetNewest);
  const sync = describeSyncState(cluster.cluster.sync);
  return (
    <>
      <tr
        className={classes.row}
        data-testid={`fleet-cluster-${name}`}
        aria-label={`Cluster ${entry.title}`}
      >
        <td className={classes.cell}>
          <button
            type="button"
            className={classes.toggle}
            aria-expanded={expanded}
            aria-label={`Details of ${entry.title}`}
            onClick={() => props.onToggle(name)}
          >
            {expanded ? '▾' : '▸'}
          </button>
        </td>
        <th scope="row" className={`${classes.cell} ${classes.rowHeader}`}>
          <RouterLink className={classes.link} to={istioTab}>
            {entry.title}
          </RouterLink>
        </th>
        <td className={classes.cell}>
          {entry.owner ? (
            <RouterLink className={classes.link} to={props.linkTo(entry.owner)}>
              {entry.ownerName}
            </RouterLink>
          ) : (
            entry.ownerName
          )}
        </td>
        <td className={`${classes.cell} ${statusClass}`}>{urgency.status}</td>
        <td
          className={classes.cell}
          title={cluster.revisions
            .map(r => `${r.revision}: Istio ${r.version ?? 'unknown'}`)
            .join('; ')}
        >
          {cluster.revisions.map(r => r.revision).join(', ') || '—'}
        </td>
        <td className={classes.cell}>
          <div className={classes.inline}>
            {cluster.newestVersion ?? '—'}
            <span
              className={`${classes.badge} ${behind.className}`}
              title={behind.title}
            >
              {behind.label}
            </span>
          </div>
        </td>
        <td className={classes.cell}>
          <div className={classes.inline}>
            {cluster.pods}
            <PodsBar
              cluster={cluster}
              scale={props.maxPods}
              classes={classes}
              colourOf={colourOf}
            />
          </div>
        </td>
        <td className={classes.cell}>
          {warningsInWords(cluster.warningCounts)}
        </td>
        <td
          className={classes.cell}
          title={sync.tooltip}
          data-testid="sync-state"
        >
          <span
            className={`${classes.sync} ${
              classes[SYNC_LIGHT[cluster.cluster.sync.state]]
            }`}
            aria-hidden
          />
          {sync.text}
        </td>
      </tr>
      {expanded && (
        <TableRow>
          <TableCell colSpan={COLUMNS}>
            <FleetClusterDetails
              cluster={cluster}
              palette={props.palette}
              maxPods={props.maxPods}
              maxNamespaces={props.maxNamespaces}
              istioTab={istioTab}
            />
          </TableCell>
        </TableRow>
      )}
    </>
  );
});

const HEADERS: ReadonlyArray<{ key?: FleetSortKey; label: string }> = [
  { key: 'cluster', label: 'Cluster' },
  { key: 'owner', label: 'Owner' },
  { key: 'urgency', label: 'Status' },
  { label: 'Revisions' },
  { key: 'version', label: 'Newest version' },
  { key: 'pods', label: 'Pods' },
  { key: 'warnings', label: 'Warnings' },
  { label: 'Sync' },
];

/**
 * The fleet's clusters, one short row each, most urgent first (end of life, unsupported skew,
 * drift, behind the fleet's newest); sortable by column, filtered by free text (name, owner,
 * revision, version, status) and optionally grouped by owner. A row opens onto the cluster's
 * bars, support and counts, and links to its Istio tab.
 */
export function FleetClusterTable(props: {
  clusters: ReadonlyArray<FleetCluster>;
  warnings: ReadonlyArray<Warning>;
  fleetNewest?: string;
}) {
  const { clusters, warnings, fleetNewest } = props;
  const classes = useStyles();
  const linkTo = useEntityRefLink();
  const filterId = useId();
  const [sort, setSort] = useState<{
    key: FleetSortKey;
    direction: 'asc' | 'desc';
  }>({ key: 'urgency', direction: 'asc' });
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const [byOwner, setByOwner] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const entries = useMemo(
    () => fleetTableEntries(clusters, warnings, fleetNewest),
    [clusters, warnings, fleetNewest],
  );
  const shown = useMemo(
    () =>
      sortFleetEntries(
        filterFleetEntries(entries, deferredFilter),
        sort.key,
        sort.direction,
      ),
    [entries, deferredFilter, sort],
  );
  const groups = useMemo(
    () =>
      byOwner
        ? groupFleetEntriesByOwner(shown)
        : [{ ownerName: '', entries: shown }],
    [byOwner, shown],
  );
  // One colour key per version (or revision) of the fleet, so that every bar shares the colours.
  const palette = useMemo(() => {
    const seen = new Map<string, FleetRevision>();
    for (const c of clusters) {
      for (const r of c.revisions) seen.set(colourKeyOf(r), r);
    }
    return [...seen.values()];
  }, [clusters]);
  const maxPods = useMemo(
    () => Math.max(1, ...clusters.map(c => c.pods)),
    [clusters],
  );
  const maxNamespaces = useMemo(
    () =>
      Math.max(
        1,
        ...clusters.map(c => c.revisions.reduce((s, r) => s + r.namespaces, 0)),
      ),
    [clusters],
  );
  const onToggle = useCallback((name: string) => {
    setExpanded(previous => {
      const next = new Set(previous);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  }, []);
  const sortBy = (key: FleetSortKey) =>
    setSort(previous => ({
      key,
      direction:
        previous.key === key && previous.direction === 'asc' ? 'desc' : 'asc',
    }));
  const theme = useTheme<Theme>();
  const colourOf = useMemo(
    () => revisionPalette(theme, palette),
    [theme, palette],
  );
  const shared: Shared = {
    classes,
    colourOf,
    fleetNewest,
    palette,
    maxPods,
    maxNamespaces,
    linkTo,
    onToggle,
  };

  return (
    <>
      <Box
        display="flex"
        gridGap={16}
        alignItems="center"
        flexWrap="wrap"
        mb={1}
      >
        <TextField
          id={filterId}
          label="Filter clusters"
          placeholder="name, owner, revision, version or status"
          variant="outlined"
          size="small"
          value={filter}
          onChange={e => setFilter(e.target.value)}
          style={{ minWidth: 320 }}
        />
        <FormControlLabel
          control={
            <Switch
              checked={byOwner}
              onChange={(_e, checked) => setByOwner(checked)}
              color="primary"
            />
          }
          label="Group by owner"
        />
        <Typography variant="body2" color="textSecondary" role="status">
          {shown.length === entries.length
            ? `${entries.length} clusters`
            : `${shown.length} of ${entries.length} clusters`}
        </Typography>
      </Box>
      <div className={classes.scroller}>
        <Table size="small" aria-label="Clusters">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox" />
              {HEADERS.map(h => (
                <TableCell
                  key={h.label}
                  className={classes.heading}
                  sortDirection={sort.key === h.key ? sort.direction : false}
                >
                  {h.key ? (
                    <TableSortLabel
                      active={sort.key === h.key}
                      direction={sort.key === h.key ? sort.direction : 'asc'}
                      onClick={() => sortBy(h.key!)}
                    >
                      {h.label}
                    </TableSortLabel>
                  ) : (
                    h.label
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          {shown.length === 0 && (
            <TableBody>
              <TableRow>
                <TableCell colSpan={COLUMNS}>
                  No cluster matches “{deferredFilter}”.
                </TableCell>
              </TableRow>
            </TableBody>
          )}
          {groups.map(group => (
            <TableBody
              key={group.owner ?? ''}
              aria-label={byOwner ? `Owner ${group.ownerName}` : undefined}
            >
              {byOwner && (
                <TableRow className={classes.group}>
                  <TableCell colSpan={COLUMNS} component="th" scope="rowgroup">
                    <Typography variant="subtitle2">
                      {group.ownerName}: {group.entries.length}{' '}
                      {group.entries.length === 1 ? 'cluster' : 'clusters'}
                    </Typography>
                  </TableCell>
                </TableRow>
              )}
              {group.entries.map(entry => (
                <ClusterRow
                  key={entry.cluster.cluster.name}
                  entry={entry}
                  expanded={expanded.has(entry.cluster.cluster.name)}
                  {...shared}
                />
              ))}
            </TableBody>
          ))}
        </Table>
      </div>
    </>
  );
}
