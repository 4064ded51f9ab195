import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { useId, useState } from 'react';
import {
  Campaign,
  Decision,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef } from '../../api/IstioUpgradeApi';
import { errorMessage } from '../../api/errorMessage';
import { LabelledTextField } from './LabelledTextField';

/** A decision on a whole campaign (skipping a cluster is per cluster). */
export type CampaignDecision =
  | 'approve'
  | 'reject'
  | 'pause'
  | 'resume'
  | 'abort';

const LABELS: Record<CampaignDecision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  pause: 'Pause',
  resume: 'Resume',
  abort: 'Abort',
};

const ORDER: CampaignDecision[] = [
  'approve',
  'reject',
  'pause',
  'resume',
  'abort',
];

/** Decisions that undo or end something, and so ask first. */
const CONFIRMED: Record<string, string> = {
  reject: 'The campaign ends without changing anything.',
  abort:
    'The campaign stops, and the requests of the ring in progress are rolled back. Rings already done stay on the target.',
  skip: 'The campaign leaves this cluster out from now on; what is done there stays in place.',
};

/**
 * A confirmation with an optional comment, for the decisions that end or undo something: reject,
 * abort, skip a cluster.
 */
export function ConfirmDecisionDialog(props: {
  title: string;
  consequence: string;
  confirmLabel: string;
  onConfirm: (decision: Decision) => Promise<void>;
  onClose: () => void;
}) {
  const { title, consequence, confirmLabel, onConfirm, onClose } = props;
  const titleId = useId();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(comment.trim() ? { comment: comment.trim() } : {});
    } catch (e) {
      setError(errorMessage(e as Error));
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{consequence}</DialogContentText>
        <LabelledTextField
          label="Comment"
          fullWidth
          size="small"
          variant="outlined"
          value={comment}
          onChange={e => setComment(e.target.value)}
        />
        {error && (
          <Box mt={1}>
            <Alert severity="error">{error}</Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={confirm}
          disabled={busy}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The decisions the backend allows the caller on a campaign (`allowedActions`): approve, reject,
 * pause, resume, abort. Reject and abort ask first. The answer replaces the shown campaign.
 */
export function CampaignActions(props: {
  campaign: Campaign;
  onChanged: (campaign: Campaign) => void;
}) {
  const { campaign, onChanged } = props;
  const api = useApi(istioUpgradeApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState<CampaignDecision>();
  const allowed = ORDER.filter(a => campaign.allowedActions.includes(a));

  const decide = async (action: CampaignDecision, decision: Decision = {}) =>
    onChanged(await api.decideCampaign(campaign.id, action, decision));

  const click = async (action: CampaignDecision) => {
    if (CONFIRMED[action]) {
      setConfirming(action);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await decide(action);
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  if (allowed.length === 0) return null;
  return (
    <Box>
      <Box display="flex" gridGap={8} flexWrap="wrap">
        {allowed.map(action => (
          <Button
            key={action}
            size="small"
            variant={
              action === 'approve' || action === 'resume'
                ? 'contained'
                : 'outlined'
            }
            color={
              action === 'abort' || action === 'reject'
                ? 'secondary'
                : 'primary'
            }
            disabled={busy}
            onClick={() => click(action)}
          >
            {LABELS[action]}
          </Button>
        ))}
      </Box>
      {error && (
        <Box mt={1}>
          <Alert severity="error">{error}</Alert>
        </Box>
      )}
      {confirming && (
        <ConfirmDecisionDialog
          title={`${LABELS[confirming]} campaign ${campaign.name}?`}
          consequence={CONFIRMED[confirming]}
          confirmLabel={`${LABELS[confirming]} campaign`}
          onClose={() => setConfirming(undefined)}
          onConfirm={async decision => {
            await decide(confirming, decision);
            setConfirming(undefined);
          }}
        />
      )}
    </Box>
  );
}

/** What skipping a cluster means, for its confirmation. */
export const SKIP_CONSEQUENCE = CONFIRMED.skip;
