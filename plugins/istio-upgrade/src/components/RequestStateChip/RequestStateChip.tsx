import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { RequestState } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { REQUEST_STATE_LABELS } from '../../requests/requestStates';

type Tone = 'active' | 'good' | 'bad' | 'neutral';

const TONE: Record<RequestState, Tone> = {
  'pending-approval': 'active',
  approved: 'active',
  running: 'active',
  succeeded: 'good',
  failed: 'bad',
  'rolled-back': 'neutral',
  rejected: 'neutral',
  cancelled: 'neutral',
};

const useStyles = makeStyles((theme: Theme) => ({
  active: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  good: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  bad: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  neutral: {},
}));

/** A request's state as a coloured chip: blue while it is active, green or red when it ended. */
export function RequestStateChip(props: { state: RequestState }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={REQUEST_STATE_LABELS[props.state]}
      className={classes[TONE[props.state]]}
      data-testid="request-state"
    />
  );
}
