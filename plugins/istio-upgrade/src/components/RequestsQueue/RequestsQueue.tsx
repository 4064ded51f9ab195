import { InfoCard, Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useState } from 'react';
import {
  istioRequestApprovePermission,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useRequests } from '../../hooks/useRequests';
import {
  describeTarget,
  REQUEST_TYPE_LABELS,
} from '../../requests/requestStates';
import { PersonLink } from '../PersonLink';
import { RequestActions } from '../RequestActions';
import { RequestHistoryTable } from '../RequestHistoryTable';
import { RequestProgressView } from '../RequestProgressView';
import { RequestStateChip } from '../RequestStateChip';
import { errorMessage } from '../../api/errorMessage';

const useStyles = makeStyles((theme: Theme) => ({
  pending: {
    padding: theme.spacing(1.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
}));

function PendingRequest(props: {
  request: UpgradeRequest;
  onDecided: (result: UpgradeRequest) => void;
}) {
  const classes = useStyles();
  const { request } = props;
  return (
    <Box
      className={classes.pending}
      component="li"
      aria-label={`${REQUEST_TYPE_LABELS[request.type]} of ${describeTarget(
        request,
      )} on ${request.cluster}`}
      data-testid={`pending-request-${request.id}`}
    >
      <Box display="flex" gridGap={8} alignItems="center" flexWrap="wrap">
        <Typography variant="subtitle1" component="h3">
          {REQUEST_TYPE_LABELS[request.type]}: {describeTarget(request)} on{' '}
          {request.cluster} to {request.revision}
        </Typography>
        <RequestStateChip state={request.state} />
      </Box>
      <Typography variant="body2" color="textSecondary">
        Asked by <PersonLink entityRef={request.requestedBy} /> at{' '}
        {new Date(request.requestedAt).toLocaleString()}
        {request.comment ? `: “${request.comment}”` : ''}
      </Typography>
      <Typography variant="body2">{request.plan.summary}</Typography>
      {request.approvalReason && (
        <Typography variant="caption" color="textSecondary" component="p">
          Needs approval because {request.approvalReason}
        </Typography>
      )}
      <Box mt={1}>
        <RequestActions
          request={request}
          actions={['approve', 'reject', 'cancel']}
          onDone={result => props.onDecided(result)}
        />
      </Box>
    </Box>
  );
}

/**
 * The requests queue: requests waiting for approval, where approvers approve or reject with a
 * comment (an action the caller may not take — their own request, no approve permission — shows
 * disabled with the backend's reason), the ones decided here as they run, and recent requests.
 */
export function RequestsQueue() {
  const pending = useRequests({ state: 'pending-approval', limit: 100 });
  const recent = useRequests({ limit: 25 });
  const approver = usePermission({ permission: istioRequestApprovePermission });
  const [watched, setWatched] = useState<ReadonlyArray<UpgradeRequest>>([]);

  const onDecided = useCallback(
    (result: UpgradeRequest) => {
      setWatched(list => [result, ...list.filter(r => r.id !== result.id)]);
      pending.retry();
      recent.retry();
    },
    [pending, recent],
  );

  return (
    <Box>
      <InfoCard title="Waiting for approval">
        {!approver.loading && !approver.allowed && (
          <Alert severity="info">
            You are not an approver: approving takes the
            istio-upgrade.request.approve permission. You may still decide a
            migration that restarts workloads you own.
          </Alert>
        )}
        {pending.loading && !pending.value && <Progress />}
        {pending.error && (
          <Alert severity="warning">
            The requests are unavailable: {errorMessage(pending.error)}
          </Alert>
        )}
        {pending.value && pending.value.length === 0 && (
          <Typography variant="body2">
            No request waits for approval.
          </Typography>
        )}
        {pending.value && pending.value.length > 0 && (
          <Box
            component="ul"
            p={0}
            m={0}
            style={{ listStyle: 'none' }}
            aria-label="Requests waiting for approval"
          >
            {pending.value.map(r => (
              <PendingRequest key={r.id} request={r} onDecided={onDecided} />
            ))}
          </Box>
        )}
      </InfoCard>
      {watched.length > 0 && (
        <Box mt={2} component="section" aria-label="Decided here">
          {watched.map(r => (
            <RequestProgressView
              key={r.id}
              requestId={r.id}
              initial={r}
              onSettled={recent.retry}
              onDismiss={() =>
                setWatched(list => list.filter(w => w.id !== r.id))
              }
            />
          ))}
        </Box>
      )}
      <Box mt={2}>
        {recent.error ? null : (
          <RequestHistoryTable
            title="Recent requests"
            requests={recent.value ?? []}
            onSelect={r =>
              setWatched(list =>
                list.some(w => w.id === r.id) ? list : [r, ...list],
              )
            }
            emptyMessage={recent.loading ? 'Loading…' : 'No request yet.'}
          />
        )}
      </Box>
    </Box>
  );
}
