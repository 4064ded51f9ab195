import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  Plan,
  PlannedPatch,
  PlannedWorkload,
  RequestPlan,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { PersonLink, PersonLinks } from '../PersonLink';
import { ControlPlanePlanView } from './ControlPlanePlanView';
import { describePatch, isRestartPatch } from './describePatch';
import { PrecheckList } from './PrecheckList';
import { useCodeStyles } from './useCodeStyles';

const useStyles = makeStyles((theme: Theme) => ({
  section: {
    marginTop: theme.spacing(2),
  },
}));

function patchSubject(patch: PlannedPatch): string {
  return `${patch.kind} ${patch.namespace ? `${patch.namespace}/` : ''}${
    patch.name
  }`;
}

/** "merge patch", "json patch"; a create or a delete is no patch. */
function writeKind(patch: PlannedPatch): string {
  return patch.patchType === 'create' || patch.patchType === 'delete'
    ? patch.patchType
    : `${patch.patchType} patch`;
}

function workloadLine(workload: PlannedWorkload): string {
  const pods = `${workload.pods} ${workload.pods === 1 ? 'pod' : 'pods'}`;
  return `${workload.kind} ${workload.namespace}/${workload.name} (${pods})${
    workload.note ? ` — ${workload.note}` : ''
  }`;
}

/** Workloads of the plan, a line each. */
function WorkloadList(props: { workloads: PlannedWorkload[] }) {
  return (
    <List dense disablePadding>
      {props.workloads.map(w => (
        <ListItem
          key={`${w.kind}/${w.namespace}/${w.name}`}
          dense
          disableGutters
        >
          <ListItemText primary={workloadLine(w)} />
        </ListItem>
      ))}
    </List>
  );
}

/**
 * A namespace migration asked for an entity, of a namespace where others' workloads run: which
 * they are, and whose approval the request waits for.
 */
function SharedNamespace(props: {
  sharedWith: NonNullable<Plan['sharedWith']>;
  approvalRequired: boolean;
}) {
  const { workloads, owners } = props.sharedWith;
  let approvers = <>an approver</>;
  if (owners.length === 1)
    approvers = (
      <>
        their owner, <PersonLink entityRef={owners[0]} />, or an approver
      </>
    );
  if (owners.length > 1)
    approvers = (
      <>
        one of their owners (<PersonLinks entityRefs={owners} />) or an approver
      </>
    );
  return (
    <Alert severity="warning" role="region" aria-label="Shared namespace">
      <AlertTitle>Others' workloads run in this namespace</AlertTitle>
      <Typography variant="body2">
        {workloads.length === 1
          ? '1 workload here is'
          : `${workloads.length} workloads here are`}{' '}
        not this entity's, and restart with it:
      </Typography>
      <List dense disablePadding aria-label="Others' workloads">
        {workloads.map(w => (
          <ListItem key={w} dense disableGutters>
            <ListItemText primary={w} />
          </ListItem>
        ))}
      </List>
      <Typography variant="body2">
        {owners.length === 0 &&
          'None of them belongs to a catalog entity with an owner. '}
        {props.approvalRequired ? (
          <>The request waits for {approvers} to approve it.</>
        ) : (
          'The approval policy lets it start without their approval.'
        )}
      </Typography>
    </Alert>
  );
}

/**
 * A dry run's answer, for a person to check before confirming: what it does beyond its writes
 * (such as the Gateway API gateways a tag move restarts at once), the prechecks, the exact changes
 * (labels, selectors, tags — in words and as the body sent), for a control-plane install or
 * removal how it is carried out (commands, values diff, deletions), the workloads restarted wave by wave,
 * those a restart will not move, and whether the request waits for approval.
 */
export function RequestPlanView(props: { plan: RequestPlan }) {
  const classes = { ...useStyles(), ...useCodeStyles() };
  const { plan, prechecks, approvalRequired, approvalReason } = props.plan;
  const changes = plan.patches.filter(p => !isRestartPatch(p));
  const restarts = plan.patches.filter(isRestartPatch);
  return (
    <Box data-testid="request-plan">
      <Typography variant="body1" gutterBottom>
        {plan.summary}
      </Typography>
      {plan.fromRevision && plan.toRevision && (
        <Typography variant="body2" color="textSecondary">
          From revision {plan.fromRevision} to {plan.toRevision}
          {plan.podsInScope > 0 ? `, ${plan.podsInScope} pods in scope` : ''}
        </Typography>
      )}
      {approvalRequired ? (
        <Alert severity="info" className={classes.section}>
          This request waits for approval
          {approvalReason ? `: ${approvalReason}` : ''}.
        </Alert>
      ) : (
        <Alert severity="success" className={classes.section}>
          No approval needed: it starts as soon as you confirm.
        </Alert>
      )}
      {plan.sharedWith && (
        <Box className={classes.section}>
          <SharedNamespace
            sharedWith={plan.sharedWith}
            approvalRequired={approvalRequired}
          />
        </Box>
      )}
      {plan.warnings && plan.warnings.length > 0 && (
        <Alert
          severity="warning"
          role="region"
          aria-label="Plan warnings"
          className={classes.section}
        >
          <AlertTitle>Beyond its writes</AlertTitle>
          <List dense disablePadding>
            {plan.warnings.map(warning => (
              <ListItem key={warning} dense disableGutters>
                <ListItemText primary={warning} />
              </ListItem>
            ))}
          </List>
        </Alert>
      )}

      {plan.controlPlane && (
        <Box className={classes.section}>
          <ControlPlanePlanView controlPlane={plan.controlPlane} />
        </Box>
      )}

      <Box className={classes.section}>
        <Typography variant="h6" component="h3">
          Prechecks {prechecks.passed ? 'passed' : 'failed'}
        </Typography>
        {prechecks.checks.length === 0 ? (
          <Typography variant="body2">No prechecks apply.</Typography>
        ) : (
          <PrecheckList checks={prechecks.checks} label="Prechecks" />
        )}
      </Box>

      <Box className={classes.section}>
        <Typography variant="h6" component="h3">
          Changes
        </Typography>
        {changes.length === 0 && (
          <Typography variant="body2">
            {plan.controlPlane
              ? 'The product writes nothing to the cluster.'
              : 'No labels, selectors or tags change.'}
          </Typography>
        )}
        {changes.map((patch, i) => (
          <Box key={`${patch.step}-${i}`} data-testid="planned-patch">
            <Typography variant="subtitle2">
              {patchSubject(patch)}{' '}
              <Typography
                variant="caption"
                color="textSecondary"
                component="span"
              >
                ({writeKind(patch)}, step {patch.step}
                {patch.precondition
                  ? `, only if resourceVersion is ${patch.precondition}`
                  : ''}
                )
              </Typography>
            </Typography>
            <List dense disablePadding>
              {describePatch(patch).map(line => (
                <ListItem key={line} dense disableGutters>
                  <ListItemText primary={line} />
                </ListItem>
              ))}
            </List>
            <pre className={classes.code}>
              {JSON.stringify(patch.patch, null, 2)}
            </pre>
          </Box>
        ))}
      </Box>

      {(plan.waves.length > 0 || restarts.length > 0) && (
        <Box className={classes.section}>
          <Typography variant="h6" component="h3">
            Restarts, in {plan.waves.length}{' '}
            {plan.waves.length === 1 ? 'wave' : 'waves'}
          </Typography>
          {plan.waves.map((wave, position) => (
            <Box key={wave.index} data-testid="planned-wave">
              <Typography variant="subtitle2">Wave {position + 1}</Typography>
              <WorkloadList workloads={wave.workloads} />
            </Box>
          ))}
          {restarts.length > 0 && (
            <>
              <Typography variant="caption" color="textSecondary">
                Each restart is this patch of the workload (the time is fixed
                when the step first runs, so that a retried step never restarts
                twice):
              </Typography>
              <pre className={classes.code}>
                {JSON.stringify(restarts[0].patch, null, 2)}
              </pre>
            </>
          )}
        </Box>
      )}

      {plan.skipped && plan.skipped.length > 0 && (
        <Box className={classes.section}>
          <Typography variant="h6" component="h3">
            Not moved by a restart
          </Typography>
          <WorkloadList workloads={plan.skipped} />
        </Box>
      )}

      {plan.rollbackPatches && plan.rollbackPatches.length > 0 && (
        <Box className={classes.section}>
          <Typography variant="h6" component="h3">
            How a rollback undoes it
          </Typography>
          <List dense disablePadding>
            {plan.rollbackPatches.map((patch, i) => (
              <ListItem key={`${patch.step}-${i}`} dense disableGutters>
                <ListItemText
                  primary={patchSubject(patch)}
                  secondary={describePatch(patch).join('; ') || undefined}
                />
              </ListItem>
            ))}
          </List>
        </Box>
      )}

      {plan.namespaces && plan.namespaces.length > 0 && (
        <Box className={classes.section}>
          <Typography variant="h6" component="h3">
            Namespaces using the tag
          </Typography>
          <Typography variant="body2">{plan.namespaces.join(', ')}</Typography>
        </Box>
      )}
    </Box>
  );
}
