import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { FleetCluster } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

const useStyles = makeStyles((theme: Theme) => ({
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

/** How many minors a cluster's newest control plane is behind the fleet's newest, as a chip. */
export function BehindChip(props: {
  cluster: FleetCluster;
  fleetNewest?: string;
}) {
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
