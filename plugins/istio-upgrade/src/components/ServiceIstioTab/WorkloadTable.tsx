import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import { memo } from 'react';
import { Workload } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RevisionChip } from '../RevisionChip';
import { explainWarning } from '../WarningChips';

function Notes(props: { workload: Workload }) {
  const { workload } = props;
  return (
    <Box display="flex" gridGap={4} flexWrap="wrap">
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
    </Box>
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
              <Box component="span" color="text.secondary">
                {' '}
                ({w.kind})
              </Box>
            </TableCell>
            <TableCell>
              {w.readyReplicas}/{w.replicas}
            </TableCell>
            <TableCell>
              <Box display="flex" gridGap={4} flexWrap="wrap">
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
              </Box>
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
