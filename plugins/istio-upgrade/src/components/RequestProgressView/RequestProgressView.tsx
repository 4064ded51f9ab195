import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useId, useRef } from 'react';
import {
  RequestEvent,
  RequestStep,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useRequest } from '../../hooks/useRequest';
import {
  describeTarget,
  isActiveRequest,
  REQUEST_TYPE_LABELS,
} from '../../requests/requestStates';
import { PersonLink, PersonLinks } from '../PersonLink';
import { RequestStateChip } from '../RequestStateChip';
import { RequestActions } from '../RequestActions';
import { ControlPlanePlanView } from '../RequestPlanView';
import { errorMessage } from '../../api/errorMessage';

const useStyles = makeStyles((theme: Theme) => ({
  root: {
    padding: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  progress: {
    height: theme.spacing(1.25),
    borderRadius: theme.shape.borderRadius,
  },
  log: {
    maxHeight: theme.spacing(30),
    overflowY: 'auto',
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    backgroundColor: theme.palette.action.hover,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1),
    margin: 0,
    listStyle: 'none',
  },
  eventType: {
    color: theme.palette.text.secondary,
  },
  errorEvent: {
    color: theme.palette.error.main,
  },
  stepper: {
    backgroundColor: 'transparent',
    padding: theme.spacing(1, 0),
  },
}));

function time(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

// Rendered inline in the Stepper, not as a component of its own: the Stepper hands each Step its
// index and orientation, which a wrapper would swallow.
function stepElement(step: RequestStep) {
  return (
    <Step
      key={step.index}
      completed={step.state === 'succeeded' || step.state === 'skipped'}
      active={step.state === 'running'}
    >
      <StepLabel
        error={step.state === 'failed'}
        optional={
          <Typography variant="caption" color="textSecondary">
            {step.state}
            {step.message ? ` — ${step.message}` : ''}
          </Typography>
        }
      >
        {step.description ?? step.name}
      </StepLabel>
    </Step>
  );
}

function EventLog(props: { events: ReadonlyArray<RequestEvent> }) {
  const classes = useStyles();
  const log = useRef<HTMLOListElement>(null);
  const count = props.events.length;
  // Follow the log's tail inside the log only: scrolling an element into view would also scroll
  // the page, pulling the reader away from whatever they read whenever an event arrives.
  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [count]);
  return (
    <ol className={classes.log} role="log" aria-label="Event log" ref={log}>
      {props.events.map(event => (
        <li
          key={event.id}
          className={event.type === 'error' ? classes.errorEvent : undefined}
        >
          {time(event.at)}{' '}
          <span className={classes.eventType}>[{event.type}]</span>{' '}
          {event.message}
          {event.actor && (
            <>
              {' '}
              (<PersonLink entityRef={event.actor} />)
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The share of pods in scope that run the target revision, 0 to 100. */
export function progressPercent(request: UpgradeRequest): number {
  const { podsInScope, podsMigrated } = request.progress;
  if (podsInScope <= 0) return request.state === 'succeeded' ? 100 : 0;
  return Math.min(100, Math.round((podsMigrated / podsInScope) * 100));
}

/**
 * A request as it happens, without a reload: state, a progress bar of pods migrated out of pods in
 * scope, for a control-plane install or removal how it is carried out (the commands people run, the
 * values diff, the deletions), the steps, the event log, and the cancel and rollback buttons the caller may use. Polled
 * every two seconds while active, and reloaded on the backend's signals.
 */
export function RequestProgressView(props: {
  requestId: string;
  /** The request as last known (e.g. the answer of its creation), shown until it loads. */
  initial?: UpgradeRequest;
  /** Called once when the request ends (succeeds, fails, is rolled back, rejected or cancelled). */
  onSettled?: (request: UpgradeRequest) => void;
  /** Called when more pods run the target revision, so that pages showing pods can reload. */
  onProgress?: (request: UpgradeRequest) => void;
  /** Called with the new request when the user asks for a rollback. */
  onRollback?: (rollback: UpgradeRequest) => void;
  onDismiss?: () => void;
}) {
  const classes = useStyles();
  const headingId = useId();
  const { request, loading, error, update } = useRequest(
    props.requestId,
    props.initial,
  );
  const callbacks = useRef(props);
  callbacks.current = props;
  const wasActive = useRef<boolean>();
  const lastMigrated = useRef<number>();
  useEffect(() => {
    if (!request) return;
    const active = isActiveRequest(request);
    if (wasActive.current === true && !active) {
      callbacks.current.onSettled?.(request);
    }
    wasActive.current = active;
    const migrated = request.progress.podsMigrated;
    if (
      lastMigrated.current !== undefined &&
      migrated !== lastMigrated.current
    ) {
      callbacks.current.onProgress?.(request);
    }
    lastMigrated.current = migrated;
  }, [request]);

  if (loading) return <Progress />;
  if (!request) {
    return error ? <ResponseErrorPanel error={error} /> : null;
  }
  const percent = progressPercent(request);
  const coOwners = request.plan.sharedWith?.owners ?? [];
  // Approving and rejecting are shown only to those who may (an approver, a co-owner of a shared
  // namespace); the requester is not offered a disabled Approve on their own request.
  const decisions = (['approve', 'reject'] as const).filter(a =>
    request.allowedActions.includes(a),
  );
  const { podsInScope, podsMigrated } = request.progress;
  // The step a request is on; once it has ended, its last step is history, not "now".
  const currentStep = isActiveRequest(request)
    ? request.progress.currentStep
    : undefined;
  return (
    <Paper
      variant="outlined"
      className={classes.root}
      component="section"
      aria-labelledby={headingId}
      data-testid="request-progress"
    >
      <Box display="flex" alignItems="center" gridGap={8} flexWrap="wrap">
        <Typography variant="h6" component="h3" id={headingId}>
          {REQUEST_TYPE_LABELS[request.type]}: {describeTarget(request)} on{' '}
          {request.cluster}
          {/* A control plane's target already names its revision. */}
          {request.plan.controlPlane ? '' : ` to ${request.revision}`}
        </Typography>
        <RequestStateChip state={request.state} />
        <Box flexGrow={1} />
        {props.onDismiss && !isActiveRequest(request) && (
          <Button size="small" onClick={props.onDismiss}>
            Dismiss
          </Button>
        )}
      </Box>
      <Typography variant="body2" color="textSecondary">
        Requested by <PersonLink entityRef={request.requestedBy} /> at{' '}
        {time(request.requestedAt)}
        {request.rollbackOf
          ? ` — rolls back request ${request.rollbackOf}`
          : ''}
        {request.decidedBy && (
          <>
            {' '}
            — {request.state === 'rejected' ? 'rejected' : 'decided'} by{' '}
            <PersonLink entityRef={request.decidedBy} />
            {request.decisionComment ? `: “${request.decisionComment}”` : ''}
          </>
        )}
      </Typography>
      {request.state === 'pending-approval' && (
        <Alert severity="info">
          Waiting for approval
          {request.approvalReason ? `: ${request.approvalReason}` : ''}.{' '}
          {coOwners.length > 0 ? (
            <>
              An approver, or an owner of the other workloads it restarts (
              <PersonLinks entityRefs={coOwners} />
              ), decides here or in the Istio fleet page's requests queue.
            </>
          ) : (
            "An approver decides in the Istio fleet page's requests queue."
          )}
        </Alert>
      )}
      {request.error && <Alert severity="error">{request.error}</Alert>}
      {error && (
        <Typography variant="caption" color="error">
          Could not refresh: {errorMessage(error)}
        </Typography>
      )}

      {request.plan.controlPlane && (
        <Box my={2}>
          <ControlPlanePlanView controlPlane={request.plan.controlPlane} />
        </Box>
      )}

      {podsInScope > 0 && (
        <Box my={2}>
          <Typography variant="body2" gutterBottom>
            {podsMigrated} of {podsInScope} pods on {request.revision} (
            {percent} %){currentStep ? ` — ${currentStep}` : ''}
          </Typography>
          <LinearProgress
            variant="determinate"
            value={percent}
            className={classes.progress}
            aria-label="Pods migrated"
            data-testid="request-progress-bar"
          />
        </Box>
      )}
      {podsInScope === 0 && currentStep && (
        <Typography variant="body2">Now: {currentStep}</Typography>
      )}

      {request.steps && request.steps.length > 0 && (
        <Stepper
          orientation="vertical"
          className={classes.stepper}
          aria-label="Steps"
        >
          {request.steps.map(stepElement)}
        </Stepper>
      )}
      {request.events && request.events.length > 0 && (
        <EventLog events={request.events} />
      )}
      <Box mt={2}>
        <RequestActions
          request={request}
          actions={[...decisions, 'cancel', 'rollback']}
          onDone={(result, action) => {
            if (action === 'rollback') {
              callbacks.current.onRollback?.(result);
            } else {
              update(result);
            }
          }}
        />
      </Box>
    </Paper>
  );
}
