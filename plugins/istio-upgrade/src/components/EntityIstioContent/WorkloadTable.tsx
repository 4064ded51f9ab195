import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { memo } from 'react';
import { Workload } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RevisionChip } from '../RevisionChip';
import { explainWarning } from '../WarningChips';

// Plain elements with shared classes rather than Box: a Box costs a style computation per
// instance, which adds up over hundreds of rows.
const useStyles = makeStyles((theme: Theme) => ({
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
  },
  kind: {
    color: theme.palette.text.secondary,
  },
}));

function Notes(props: { workload: Workload }) {
  const classes = useStyles();
  const { workload } = props;
  return (
    <div className={classes.chips}>
      {workload.podsNeedingRestart > 0 && (
        <Tooltip title={explainWarning('drift') ?? ''}>
          <Chip
            size="small"
            color="secondary"
            label={`${workload.podsNeedingRestart} ${
              workload.podsNeedingRestart === 1 ? 'pod needs' : 'pods need'
            } a restart`}
            tabIndex={0}
          />
        </Tooltip>
      )}
      {workload.paused && (
        <Tooltip title="A paused Deployment does not roll out: a restart will not move its pods until it is resumed.">
          <Chip size="small" variant="outlined" label="paused" tabIndex={0} />
        </Tooltip>
      )}
      {workload.onDelete && (
        <Tooltip title="Its update strategy is OnDelete: a restart does not replace its pods; delete them to move them.">
          <Chip size="small" variant="outlined" label="OnDelete" tabIndex={0} />
        </Tooltip>
      )}
    </div>
  );
}

/**
 * An entity's workloads in one namespace: readiness, their pods grouped by sidecar revision and
 * proxy version, and what keeps them from the desired revision. A plain table, not the data-grid
 * one, because a service may have hundreds of workloads across clusters and this renders fast.
 */
export const WorkloadTable = memo(function WorkloadTableView(props: {
  workloads: ReadonlyArray<Workload>;
  'aria-label': string;
}) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label={props['aria-label']}>
      <TableHead>
        <TableRow>
          <TableCell>Workload</TableCell>
          <TableCell>Ready</TableCell>
          <TableCell>Pods by sidecar revision and proxy version</TableCell>
          <TableCell>Desired</TableCell>
          <TableCell>Notes</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.workloads.map(w => (
          <TableRow key={`${w.kind}/${w.name}`}>
            <TableCell>
              {w.name}
              <span className={classes.kind}> ({w.kind})</span>
            </TableCell>
            <TableCell>
              {w.readyReplicas}/{w.replicas}
            </TableCell>
            <TableCell>
              <div className={classes.chips}>
                {w.podsByRevision.length === 0
                  ? 'no pods'
                  : w.podsByRevision.map(entry => (
                      <RevisionChip
                        key={entry.revision ?? ''}
                        revision={entry.revision}
                        version={entry.version}
                        count={entry.count}
                      />
                    ))}
              </div>
            </TableCell>
            <TableCell>{w.desiredRevision ?? '—'}</TableCell>
            <TableCell>
              <Notes workload={w} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
});
