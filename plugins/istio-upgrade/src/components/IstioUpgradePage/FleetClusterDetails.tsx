import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import {
  FleetCluster,
  FleetRevision,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RevisionBar } from '../RevisionBar';
import { SupportBadge } from '../SupportBadge';

const useStyles = makeStyles((theme: Theme) => ({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(200px, 1fr)',
    gap: theme.spacing(0.5, 1),
    alignItems: 'center',
    maxWidth: 900,
  },
}));

/** The pods of a cluster per revision, with the pods without a sidecar last. */
export function podSegments(cluster: FleetCluster) {
  const segments: Array<{
    revision?: string;
    version?: string;
    count: number;
  }> = cluster.revisions.map(r => ({
    revision: r.revision,
    version: r.version,
    count: r.pods,
  }));
  const uninjected = cluster.pods - cluster.injectedPods;
  if (uninjected > 0) segments.push({ count: uninjected });
  return segments;
}

/**
 * A cluster's row opened: pods and namespaces per revision, each revision's support, restarts and
 * warnings, and the link to the cluster's Istio tab where everything else lives.
 */
export function FleetClusterDetails(props: {
  cluster: FleetCluster;
  palette: ReadonlyArray<FleetRevision>;
  maxPods: number;
  maxNamespaces: number;
  istioTab: string;
}) {
  const classes = useStyles();
  const { cluster, palette } = props;
  const namespaces = cluster.revisions.map(r => ({
    revision: r.revision,
    version: r.version,
    count: r.namespaces,
  }));
  return (
    <Box py={1}>
      <div className={classes.grid}>
        <Typography variant="caption">Pods</Typography>
        <RevisionBar
          segments={podSegments(cluster)}
          palette={palette}
          scale={props.maxPods}
          unit="pods"
          legend
        />
        <Typography variant="caption">Namespaces</Typography>
        <RevisionBar
          segments={namespaces}
          palette={palette}
          scale={props.maxNamespaces}
          unit="namespaces"
        />
      </div>
      <Box
        display="flex"
        gridGap={8}
        flexWrap="wrap"
        alignItems="center"
        mt={1}
      >
        {cluster.revisions.map(r => (
          <Box key={r.revision} display="flex" gridGap={4} alignItems="center">
            <Typography variant="body2">
              {r.revision}
              {r.version ? ` (${r.version})` : ''}
            </Typography>
            <SupportBadge support={r.support} />
          </Box>
        ))}
      </Box>
      <Typography variant="body2" color="textSecondary">
        {cluster.pods} pods, {cluster.podsNeedingRestart} to restart;{' '}
        {cluster.namespaces} namespaces; oldest proxy{' '}
        {cluster.oldestProxyVersion ?? '—'}; {cluster.warningCounts.error}{' '}
        errors, {cluster.warningCounts.warning} warnings,{' '}
        {cluster.warningCounts.info} notes
        {cluster.teams.length ? `; teams ${cluster.teams.join(', ')}` : ''}.
      </Typography>
      <Link to={props.istioTab}>
        Open the Istio tab of {cluster.cluster.title ?? cluster.cluster.name}
      </Link>
    </Box>
  );
}
