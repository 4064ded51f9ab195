import { Link } from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import IconButton from '@material-ui/core/IconButton';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import KeyboardArrowDown from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowRight from '@material-ui/icons/KeyboardArrowRight';
import {
  memo,
  useCallback,
  useDeferredValue,
  useId,
  useMemo,
  useState,
} from 'react';
import {
  FleetCluster,
  FleetRevision,
  Warning,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterSyncState } from '../ClusterSyncState';
import { RevisionBar } from '../RevisionBar';
import { colourKeyOf } from '../RevisionBar/revisionPalette';
import { BehindChip } from './BehindChip';
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

const useStyles = makeStyles((theme: Theme) => ({
  row: {
    '& > td': { whiteSpace: 'nowrap' },
  },
  urgent: { color: theme.palette.error.main, fontWeight: 500 },
  attention: { color: theme.palette.warning.dark },
  calm: { color: theme.palette.text.secondary },
  bar: { minWidth: 120 },
  group: { backgroundColor: theme.palette.background.default },
}));

interface Shared {
  fleetNewest?: string;
  palette: ReadonlyArray<FleetRevision>;
  maxPods: number;
  maxNamespaces: number;
  linkTo: (entityRef: string) => string;
  onToggle: (name: string) => void;
}

const ClusterRow = memo(function ClusterTableRow(
  props: { entry: FleetTableEntry; expanded: boolean } & Shared,
) {
  const classes = useStyles();
  const { entry, expanded } = props;
  const { cluster, urgency } = entry;
  const name = cluster.cluster.name;
  const istioTab = `${props.linkTo(cluster.cluster.entityRef)}/istio`;
  let statusClass = classes.calm;
  if (urgency.rank <= 1) statusClass = classes.urgent;
  else if (urgency.findings.length) statusClass = classes.attention;
  return (
    <>
      <TableRow
        hover
        className={classes.row}
        data-testid={`fleet-cluster-${name}`}
        aria-label={`Cluster ${entry.title}`}
      >
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-expanded={expanded}
            aria-label={`Details of ${entry.title}`}
            onClick={() => props.onToggle(name)}
          >
            {expanded ? <KeyboardArrowDown /> : <KeyboardArrowRight />}
          </IconButton>
        </TableCell>
        <TableCell component="th" scope="row">
          <Link to={istioTab}>{entry.title}</Link>
        </TableCell>
        <TableCell>
          {entry.owner ? (
            <Link to={props.linkTo(entry.owner)}>{entry.ownerName}</Link>
          ) : (
            entry.ownerName
          )}
        </TableCell>
        <TableCell>
          <Typography variant="body2" className={statusClass}>
            {urgency.status}
          </Typography>
        </TableCell>
        <TableCell>
          {cluster.revisions
            .map(r => (r.version ? `${r.revision} (${r.version})` : r.revision))
            .join(', ') || '—'}
        </TableCell>
        <TableCell>
          <Box display="flex" gridGap={4} alignItems="center">
            {cluster.newestVersion ?? '—'}
            <BehindChip cluster={cluster} fleetNewest={props.fleetNewest} />
          </Box>
        </TableCell>
        <TableCell className={classes.bar}>
          <Box display="flex" gridGap={8} alignItems="center">
            <Typography variant="body2">{cluster.pods}</Typography>
            <Box flex={1}>
              <RevisionBar
                segments={podSegments(cluster)}
                palette={props.palette}
                scale={props.maxPods}
                unit="pods"
              />
            </Box>
          </Box>
        </TableCell>
        <TableCell>
          {cluster.warningCounts.error} errors, {cluster.warningCounts.warning}{' '}
          warnings
        </TableCell>
        <TableCell>
          <ClusterSyncState sync={cluster.cluster.sync} />
        </TableCell>
      </TableRow>
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
  const shared: Shared = {
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
      <Table size="small" aria-label="Clusters">
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox" />
            {HEADERS.map(h => (
              <TableCell
                key={h.label}
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
    </>
  );
}
