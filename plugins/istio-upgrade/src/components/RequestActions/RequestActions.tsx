import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { useId, useState } from 'react';
import { UpgradeRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef } from '../../api/IstioUpgradeApi';
import { describeTarget } from '../../requests/requestStates';
import { ActionButton } from '../ActionButton';
import { PersonLink } from '../PersonLink';
import { errorMessage } from '../../api/errorMessage';

/** A decision on a request. */
export type RequestAction = UpgradeRequest['allowedActions'][number];

const LABELS: Record<RequestAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  cancel: 'Cancel request',
  rollback: 'Roll back',
};

const CONSEQUENCES: Record<RequestAction, string> = {
  approve: 'The request starts running as soon as it is approved.',
  reject:
    'The request ends without changing anything. The requester is told why.',
  cancel:
    'A waiting request ends at once; a running one stops between steps, leaving what is done in place.',
  rollback:
    'A new request undoes this one: labels or selectors go back and workloads restart onto the previous revision.',
};

function DecisionDialog(props: {
  request: UpgradeRequest;
  action: RequestAction;
  onClose: () => void;
  onDone: (result: UpgradeRequest) => void;
}) {
  const { request, action, onClose, onDone } = props;
  const api = useApi(istioUpgradeApiRef);
  const titleId = useId();
  const commentId = useId();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const decide = async () => {
    setBusy(true);
    setError(undefined);
    const decision = comment.trim() ? { comment: comment.trim() } : {};
    try {
      const call = {
        approve: api.approveRequest,
        reject: api.rejectRequest,
        cancel: api.cancelRequest,
        rollback: api.rollbackRequest,
      }[action];
      onDone(await call.call(api, request.id, decision));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>
        {LABELS[action]}: {describeTarget(request)} on {request.cluster} to{' '}
        {request.revision}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Requested by <PersonLink entityRef={request.requestedBy} />
          {request.comment ? `: “${request.comment}”` : ''}.{' '}
          {CONSEQUENCES[action]}
        </DialogContentText>
        <TextField
          id={commentId}
          label="Comment"
          helperText="Kept with the request and shown to the requester"
          value={comment}
          onChange={e => setComment(e.target.value)}
          fullWidth
          multiline
          minRows={2}
          // The dialog exists to take the comment: focus it on open (WAI-ARIA dialog pattern).
          // eslint-disable-next-line jsx-a11y/no-autofocus
          autoFocus
          inputProps={{ maxLength: 1000 }}
        />
        {error && (
          <Alert severity="error">
            {LABELS[action]} failed: {errorMessage(error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Close
        </Button>
        <Button
          onClick={decide}
          disabled={busy}
          variant="contained"
          color={action === 'approve' ? 'primary' : 'secondary'}
        >
          {LABELS[action]}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The decisions the caller may take on a request, from the request's own `allowedActions`: an
 * allowed action is a button that asks for a comment and confirmation; one the request's state
 * would allow but the caller may not take (their own request, no permission) is disabled with the
 * backend's reason; others are not shown.
 */
export function RequestActions(props: {
  request: UpgradeRequest;
  actions: ReadonlyArray<RequestAction>;
  onDone: (result: UpgradeRequest, action: RequestAction) => void;
  reasonInline?: boolean;
}) {
  const { request, actions, onDone, reasonInline } = props;
  const [open, setOpen] = useState<RequestAction>();
  const shown = actions.filter(
    a => request.allowedActions.includes(a) || request.notAllowedBecause?.[a],
  );
  if (shown.length === 0) return null;
  return (
    <Box display="flex" gridGap={8} flexWrap="wrap" alignItems="center">
      {shown.map(action => (
        <ActionButton
          key={action}
          onClick={() => setOpen(action)}
          disabledReason={
            request.allowedActions.includes(action)
              ? undefined
              : request.notAllowedBecause?.[action]
          }
          reasonInline={reasonInline}
          data-testid={`request-${action}`}
        >
          {LABELS[action]}
        </ActionButton>
      ))}
      {open && (
        <DecisionDialog
          request={request}
          action={open}
          onClose={() => setOpen(undefined)}
          onDone={result => {
            setOpen(undefined);
            onDone(result, open);
          }}
        />
      )}
    </Box>
  );
}
