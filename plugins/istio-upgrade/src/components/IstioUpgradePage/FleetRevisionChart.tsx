import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import { useMemo } from 'react';
import {
  compareIstioVersions,
  FleetCluster,
  FleetRevision,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterSyncState } from '../ClusterSyncState';
import { RevisionBar, revisionPalette, RevisionSegment } from '../RevisionBar';
import { RevisionSwatch } from '../RevisionBar/RevisionSwatch';

const useStyles = makeStyles((theme: Theme) => ({
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(180px, 1fr) 3fr',
    gap: theme.spacing(2),
    alignItems: 'center',
    padding: theme.spacing(1.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  bars: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.5, 1),
    alignItems: 'center',
  },
  behind: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  farBehind: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  current: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
}));

function BehindChip(props: { cluster: FleetCluster; fleetNewest?: string }) {
  const classes = useStyles();
  const { minorsBehindFleet, newestVersion } = props.cluster;
  if (minorsBehindFleet === undefined) {
    return <Chip size="small" variant="outlined" label="version unknown" />;
  }
  if (minorsBehindFleet <= 0) {
    return (
      <Chip size="small" className={classes.current} label="newest in fleet" />
    );
  }
  const label = `${minorsBehindFleet} ${
    minorsBehindFleet === 1 ? 'minor' : 'minors'
  } behind`;
  return (
    <Tooltip
      title={`Its newest control plane is ${
        newestVersion ?? '?'
      }; the fleet's is ${props.fleetNewest ?? '?'}. ${
        minorsBehindFleet > 2
          ? 'More than one upgrade away: a revision-based upgrade jumps at most two minors.'
          : 'One revision-based upgrade (at most two minors) catches up.'
      }`}
    >
      <Chip
        size="small"
        className={minorsBehindFleet > 2 ? classes.farBehind : classes.behind}
        label={label}
        tabIndex={0}
      />
    </Tooltip>
  );
}

function ClusterRow(props: {
  cluster: FleetCluster;
  fleetNewest?: string;
  palette: ReadonlyArray<FleetRevision>;
  maxPods: number;
  maxNamespaces: number;
}) {
  const classes = useStyles();
  const { cluster, palette } = props;
  const pods: RevisionSegment[] = cluster.revisions.map(r => ({
    revision: r.revision,
    version: r.version,
    count: r.pods,
  }));
  const uninjected = cluster.pods - cluster.injectedPods;
  if (uninjected > 0) pods.push({ count: uninjected });
  const namespaces = cluster.revisions.map(r => ({
    revision: r.revision,
    version: r.version,
    count: r.namespaces,
  }));
  return (
    <div
      className={classes.row}
      role="group"
      aria-label={`Cluster ${cluster.cluster.title ?? cluster.cluster.name}`}
      data-testid={`fleet-cluster-${cluster.cluster.name}`}
    >
      <Box>
        <Typography variant="subtitle1" component="h3">
          <EntityRefLink
            entityRef={cluster.cluster.entityRef}
            title={cluster.cluster.title ?? cluster.cluster.name}
          />
        </Typography>
        <Box display="flex" gridGap={4} flexWrap="wrap" alignItems="center">
          <Typography variant="caption">
            newest {cluster.newestVersion ?? '—'}
          </Typography>
          <BehindChip cluster={cluster} fleetNewest={props.fleetNewest} />
        </Box>
        <ClusterSyncState sync={cluster.cluster.sync} />
        <Typography variant="caption" color="textSecondary" component="p">
          {cluster.pods} pods, {cluster.podsNeedingRestart} to restart;{' '}
          {cluster.warningCounts.error} errors, {cluster.warningCounts.warning}{' '}
          warnings
        </Typography>
      </Box>
      <div className={classes.bars}>
        <Typography variant="caption">Pods</Typography>
        <RevisionBar
          segments={pods}
          palette={palette}
          scale={props.maxPods}
          unit="pods"
        />
        <Typography variant="caption">Namespaces</Typography>
        <RevisionBar
          segments={namespaces}
          palette={palette}
          scale={props.maxNamespaces}
          unit="namespaces"
        />
      </div>
    </div>
  );
}

/**
 * Per cluster, stacked bars of pods and of namespaces per revision (coloured by version across the
 * whole fleet, newest green), with how many minors each cluster is behind the fleet's newest.
 * Bars share one scale, so that cluster sizes compare too.
 */
export function FleetRevisionChart(props: {
  clusters: ReadonlyArray<FleetCluster>;
  fleetNewest?: string;
}) {
  const theme = useTheme<Theme>();
  const { clusters } = props;
  const palette = useMemo(() => clusters.flatMap(c => c.revisions), [clusters]);
  const colourOf = useMemo(
    () => revisionPalette(theme, palette),
    [theme, palette],
  );
  const versions = useMemo(() => {
    const seen = new Map<string, FleetRevision>();
    for (const r of palette) seen.set(r.version ?? r.revision, r);
    return [...seen.values()].sort(
      (a, b) =>
        compareIstioVersions(b.version, a.version) ||
        a.revision.localeCompare(b.revision, 'en-US'),
    );
  }, [palette]);
  const maxPods = Math.max(1, ...clusters.map(c => c.pods));
  const maxNamespaces = Math.max(
    1,
    ...clusters.map(c => c.revisions.reduce((s, r) => s + r.namespaces, 0)),
  );
  return (
    <Box>
      <Box
        display="flex"
        gridGap={16}
        flexWrap="wrap"
        mb={1}
        aria-label="Legend"
      >
        {versions.map(v => (
          <Typography key={v.version ?? v.revision} variant="caption">
            <RevisionSwatch colour={colourOf(v)} />
            {v.version ?? v.revision}
          </Typography>
        ))}
        <Typography variant="caption">
          <RevisionSwatch colour={colourOf({})} />
          no sidecar
        </Typography>
      </Box>
      {clusters.map(c => (
        <ClusterRow
          key={c.cluster.name}
          cluster={c}
          fleetNewest={props.fleetNewest}
          palette={palette}
          maxPods={maxPods}
          maxNamespaces={maxNamespaces}
        />
      ))}
    </Box>
  );
}
