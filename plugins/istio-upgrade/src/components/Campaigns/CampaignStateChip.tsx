import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { CampaignState } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { CAMPAIGN_STATE_LABELS } from './campaignStates';

type Tone = 'active' | 'attention' | 'good' | 'bad' | 'neutral';

const TONE: Record<CampaignState, Tone> = {
  'pending-approval': 'active',
  approved: 'active',
  running: 'active',
  paused: 'attention',
  aborting: 'attention',
  succeeded: 'good',
  failed: 'bad',
  aborted: 'neutral',
  rejected: 'neutral',
};

const useStyles = makeStyles((theme: Theme) => ({
  active: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  attention: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
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

/** A campaign's state as a chip: blue while it moves, amber when paused, green or red at the end. */
export function CampaignStateChip(props: { state: CampaignState }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={CAMPAIGN_STATE_LABELS[props.state]}
      className={classes[TONE[props.state]]}
      data-testid="campaign-state"
    />
  );
}
