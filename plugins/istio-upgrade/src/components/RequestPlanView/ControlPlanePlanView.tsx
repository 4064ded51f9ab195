import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { ControlPlanePlan } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useCodeStyles } from './useCodeStyles';

const useStyles = makeStyles((theme: Theme) => ({
  command: {
    flexGrow: 1,
  },
  mono: {
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
  },
}));

const INSTALLERS: Record<ControlPlanePlan['installedBy'], string> = {
  sail: "Sail's operator",
  helm: 'Helm',
  istioctl: 'istioctl',
  unknown: 'an unrecognised installer',
};

/** What a control-plane request does on its cluster, in a sentence, by its mode. */
export function describeControlPlaneMode(plan: ControlPlanePlan): string {
  const version = plan.version ? `Istio ${plan.version}` : 'the new version';
  const resource = plan.sailResource ?? 'the Sail resource';
  switch (plan.mode) {
    case 'sail-istio-version':
      return `Sail installs it: the request sets spec.version of ${resource} to ${version}, and Sail creates the new revision beside the others.`;
    case 'sail-istio-revision':
      return `Sail installs it: the request creates ${resource} (${version}) with the values of the current revision.`;
    case 'manual':
      return `The product does not install control planes on a cluster installed with ${
        INSTALLERS[plan.installedBy]
      }: people run the commands below, and the request waits until the revision is ready.`;
    case 'delete-objects':
      return "The request deletes the revision's objects now, as istioctl uninstall --revision does.";
    case 'sail-delete':
      return `The request deletes ${resource} now; Sail then removes its control plane.`;
    case 'sail-grace-period':
      return `Sail prunes ${resource} itself ${
        plan.gracePeriodSeconds ?? '?'
      } s after it becomes inactive; the request waits until it is gone.`;
    default:
      return `Mode ${String(plan.mode)}.`;
  }
}

function MonospaceList(props: { label: string; lines: string[] }) {
  const classes = useStyles();
  return (
    <List dense disablePadding aria-label={props.label}>
      {props.lines.map(line => (
        <ListItem key={line} dense disableGutters className={classes.mono}>
          {line}
        </ListItem>
      ))}
    </List>
  );
}

/**
 * How a control-plane install or removal is carried out: who manages the cluster's control planes,
 * the mode in words, the commands people run (for Helm and istioctl clusters, each copyable), how
 * the new revision's values differ, and every object a removal deletes.
 */
export function ControlPlanePlanView(props: {
  controlPlane: ControlPlanePlan;
}) {
  const classes = useStyles();
  const codeClasses = useCodeStyles();
  const { controlPlane } = props;
  const { commands, valuesDiff, deletions } = controlPlane;
  return (
    <Box
      role="region"
      aria-label="Control plane"
      data-testid="control-plane-plan"
    >
      <Typography variant="h6" component="h3">
        Control plane
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Managed by {INSTALLERS[controlPlane.installedBy]}
        {controlPlane.version ? `; Istio ${controlPlane.version}` : ''}
      </Typography>
      <Typography variant="body2" paragraph>
        {describeControlPlaneMode(controlPlane)}
      </Typography>
      {commands && commands.length > 0 && (
        <>
          <Typography variant="subtitle2">
            Commands to run in order (those of the cluster's installer first;
            the others are an alternative)
          </Typography>
          <List dense disablePadding aria-label="Commands">
            {commands.map((command, i) => (
              <ListItem key={command} dense disableGutters>
                <Box
                  display="flex"
                  alignItems="flex-start"
                  gridGap={8}
                  width="100%"
                >
                  <pre className={`${codeClasses.code} ${classes.command}`}>
                    {command}
                  </pre>
                  <CopyTextButton
                    text={command}
                    aria-label={`Copy command ${i + 1}`}
                  />
                </Box>
              </ListItem>
            ))}
          </List>
        </>
      )}
      {valuesDiff && valuesDiff.length > 0 && (
        <>
          <Typography variant="subtitle2">Values diff</Typography>
          <MonospaceList label="Values diff" lines={valuesDiff} />
        </>
      )}
      {deletions && deletions.length > 0 && (
        <>
          <Typography variant="subtitle2">
            Deleted ({deletions.length}{' '}
            {deletions.length === 1 ? 'object' : 'objects'}, as
            Kind/namespace/name)
          </Typography>
          <MonospaceList label="Deletions" lines={deletions} />
        </>
      )}
    </Box>
  );
}
