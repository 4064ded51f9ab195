import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import {
  RequestPlan,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef, RequestDraft } from '../../api/IstioUpgradeApi';
import { useRequestPlan } from '../../hooks/useRequestPlan';
import { RequestPlanView } from '../RequestPlanView';
import { ActionButton } from '../ActionButton';
import { RetryableError } from './RetryableError';
import { errorMessage } from '../../api/errorMessage';

function newIdempotencyKey(): string {
  const random =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID()
      : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `ui:${random}`;
}

/**
 * The confirmation of a change: loads its dry run as soon as it opens (and again when a choice in
 * `children` changes the draft), shows the plan and prechecks, and creates the request on confirm.
 * One idempotency key per opening, so that a double click or a retry after a timeout never asks
 * twice.
 */
export function RequestDialog(props: {
  open: boolean;
  title: string;
  /** The change; undefined while a choice (such as a revision) is still to be made. */
  draft: RequestDraft | undefined;
  /** The change always waits for approval (a control-plane install or removal), dry run or not. */
  waitsForApproval?: boolean;
  /** Why there is no draft, when it is not that a choice is still to be made (the choice is refused). */
  noDraftReason?: string;
  /** What the change is called on its confirm button: "migration", "cutover", "tag move". */
  noun: string;
  onClose: () => void;
  onCreated: (request: UpgradeRequest) => void;
  /** Choices above the plan, such as the target revision. */
  children?: ReactNode;
  /** Told each dry run's answer, for choices that depend on it (a shared namespace's restart scope). */
  onPlan?: (plan: RequestPlan) => void;
}) {
  const { open, title, draft, noun, onClose, onCreated, children } = props;
  const api = useApi(istioUpgradeApiRef);
  const titleId = useId();
  const commentId = useId();
  const plan = useRequestPlan(open ? draft : undefined);
  const onPlan = useRef(props.onPlan);
  onPlan.current = props.onPlan;
  useEffect(() => {
    if (plan.value) onPlan.current?.(plan.value);
  }, [plan.value]);
  const [comment, setComment] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<Error>();
  const draftKey = JSON.stringify(draft);
  // A new key for every opening and every different change; the same one across retries of this one.
  const idempotencyKey = useMemo(
    () => newIdempotencyKey(),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [open, draftKey],
  );

  const confirm = async () => {
    if (!draft) return;
    setCreating(true);
    setCreateError(undefined);
    try {
      const request = await api.createRequest({
        ...draft,
        idempotencyKey,
        ...(comment.trim() && { comment: comment.trim() }),
      });
      setComment('');
      onCreated(request);
    } catch (e) {
      setCreateError(e as Error);
    } finally {
      setCreating(false);
    }
  };

  let disabledReason: string | undefined;
  if (!draft)
    disabledReason = props.noDraftReason ?? 'Make a choice above first';
  else if (plan.error) disabledReason = 'The dry run failed';
  else if (plan.value && !plan.value.prechecks.passed)
    disabledReason = 'A precheck failed: nothing can change until it passes';
  const approval = props.waitsForApproval || plan.value?.approvalRequired;
  const confirmLabel = approval ? 'Submit for approval' : `Start ${noun}`;

  return (
    <Dialog
      open={open}
      onClose={creating ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth="md"
      fullWidth
      scroll="paper"
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent dividers>
        {children}
        {draft && plan.loading && !plan.value && (
          <Box py={2}>
            <Progress />
          </Box>
        )}
        {plan.error && (
          <RetryableError
            what="The dry run failed"
            error={plan.error}
            onRetry={plan.retry}
          />
        )}
        {plan.value && <RequestPlanView plan={plan.value} />}
        {plan.value && (
          <TextField
            id={commentId}
            label="Comment (optional)"
            helperText={
              approval
                ? 'For the approvers: why, and why now'
                : 'Kept with the request in its history'
            }
            value={comment}
            onChange={e => setComment(e.target.value)}
            fullWidth
            multiline
            minRows={2}
            margin="normal"
            inputProps={{ maxLength: 1000 }}
          />
        )}
        {createError && (
          <Alert severity="error">
            The request was not created: {errorMessage(createError)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={creating}>
          Cancel
        </Button>
        <ActionButton
          variant="contained"
          size="medium"
          onClick={confirm}
          pending={creating || (!!draft && !plan.value && !plan.error)}
          disabledReason={disabledReason}
          reasonInline={false}
        >
          {confirmLabel}
        </ActionButton>
      </DialogActions>
    </Dialog>
  );
}
