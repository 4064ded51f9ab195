import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { percent } from './campaignStates';

/**
 * A progress bar with its figures beside it ("3 / 5 clusters"); the bar's accessible name says what
 * it counts, for screen readers and tests.
 */
export function LabelledProgress(props: {
  /** What is counted, e.g. "Clusters done" or "Pods on target". */
  label: string;
  done: number;
  total: number;
  /** The unit after the figures ("clusters", "waves", "pods"). */
  unit: string;
}) {
  const { label, done, total, unit } = props;
  return (
    <Box display="flex" alignItems="center" gridGap={8} minWidth={160}>
      <Box flexGrow={1}>
        <LinearProgress
          variant="determinate"
          value={percent(done, total)}
          aria-label={`${label}: ${done} of ${total} ${unit}`}
        />
      </Box>
      <Typography variant="caption" color="textSecondary" noWrap>
        {done} / {total} {unit}
      </Typography>
    </Box>
  );
}
