import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { GateResult } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { GATE_OUTCOME_LABELS } from './campaignStates';
import { formatErrorRatio, formatP99, formatWhen } from './campaignFormat';

const SEVERITY = {
  passed: 'success',
  failed: 'error',
  unknown: 'info',
} as const;

/**
 * A health gate's verdict on a wave: the outcome and its reason, then per namespace or gateway the
 * 5xx ratio and p99 before and after the wave.
 */
export function GateResultView(props: { gate: GateResult; label: string }) {
  const { gate, label } = props;
  return (
    <Box component="section" aria-label={`Health gate of ${label}`} mt={1}>
      <Alert severity={SEVERITY[gate.outcome]}>
        <strong>{GATE_OUTCOME_LABELS[gate.outcome]}</strong>: {gate.reason}{' '}
        <Typography variant="caption" color="textSecondary" component="span">
          ({formatWhen(gate.at)})
        </Typography>
      </Alert>
      {gate.subjects.length > 0 && (
        <Table size="small" aria-label={`Gate figures of ${label}`}>
          <TableHead>
            <TableRow>
              <TableCell>Subject</TableCell>
              <TableCell>5xx before</TableCell>
              <TableCell>5xx after</TableCell>
              <TableCell>p99 before</TableCell>
              <TableCell>p99 after</TableCell>
              <TableCell>Requests before / after</TableCell>
              <TableCell>Outcome</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {gate.subjects.map(s => {
              const name =
                s.kind === 'gateway'
                  ? `gateway ${s.namespace}/${s.name ?? '?'}`
                  : `namespace ${s.namespace}`;
              return (
                <TableRow key={`${s.kind}/${s.namespace}/${s.name ?? ''}`}>
                  <TableCell>{name}</TableCell>
                  <TableCell>{formatErrorRatio(s.before)}</TableCell>
                  <TableCell>{formatErrorRatio(s.after)}</TableCell>
                  <TableCell>{formatP99(s.before)}</TableCell>
                  <TableCell>{formatP99(s.after)}</TableCell>
                  <TableCell>
                    {s.before?.requests ?? '—'} / {s.after?.requests ?? '—'}
                  </TableCell>
                  <TableCell>
                    {GATE_OUTCOME_LABELS[s.outcome]}: {s.reason}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
