import { StatusError, StatusOK } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { memo } from 'react';
import {
  EntityNamespace,
  MigrationTarget,
  NamespaceInventory,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ActionButton } from '../ActionButton';
import { RevisionBar } from '../RevisionBar';
import { RevisionChip } from '../RevisionChip';
import { explainWarning } from '../WarningChips';
import { InjectionModeChip } from '../InjectionModeChip';
import { WorkloadTable } from './WorkloadTable';

const useStyles = makeStyles((theme: Theme) => ({
  root: {
    borderTop: `1px solid ${theme.palette.divider}`,
    paddingTop: theme.spacing(2),
    marginTop: theme.spacing(2),
  },
  target: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  bar: {
    margin: theme.spacing(1, 0),
    maxWidth: 600,
  },
  workloads: {
    marginBottom: theme.spacing(2),
    overflow: 'auto',
  },
}));

/** Why the Migrate button for a target in this cluster is disabled, if it is. */
export type MigrateBlocker = (
  namespace: NamespaceInventory,
  target: MigrationTarget,
) => string | undefined;

function TargetLine(props: {
  namespace: NamespaceInventory;
  target: MigrationTarget;
  blocker: MigrateBlocker;
  pending: boolean;
  onMigrate: (namespace: NamespaceInventory, target: MigrationTarget) => void;
}) {
  const classes = useStyles();
  const { namespace, target, blocker, pending, onMigrate } = props;
  const Verdict = target.verdict === 'allowed' ? StatusOK : StatusError;
  // Who may act and what else holds the namespace come first; the verdict is written out anyway.
  const blockedBy = blocker(namespace, target);
  const reason =
    blockedBy ??
    (target.verdict === 'blocked' ? `Blocked: ${target.reason}` : undefined);
  return (
    <ListItem disableGutters className={classes.target}>
      <RevisionChip
        revision={target.revision}
        version={target.version}
        color="primary"
      />
      {target.tags && target.tags.length > 0 && (
        <Typography variant="caption" color="textSecondary">
          tags: {target.tags.join(', ')}
        </Typography>
      )}
      <Verdict>
        <Typography variant="body2" component="span">
          {target.verdict === 'allowed' ? 'Allowed' : 'Blocked'}:{' '}
          {target.reason}
        </Typography>
      </Verdict>
      <ActionButton
        onClick={() => onMigrate(namespace, target)}
        disabledReason={reason}
        // A blocked verdict is already written out next to the button.
        reasonInline={blockedBy !== undefined || target.verdict !== 'blocked'}
        pending={pending}
        data-testid={`migrate-${namespace.name}-${target.revision}`}
      >
        Migrate to {target.revision}
      </ActionButton>
    </ListItem>
  );
}

/**
 * One namespace of an entity in one cluster: how it chooses its revision, the revision it asks for,
 * its pods per revision, drift, the revisions it could move to with their verdicts and Migrate
 * buttons, and the entity's workloads there.
 */
export const NamespacePanel = memo(function NamespacePanelView(props: {
  entry: EntityNamespace;
  workloads: ReadonlyArray<Workload>;
  blocker: MigrateBlocker;
  permissionPending: boolean;
  onMigrate: (namespace: NamespaceInventory, target: MigrationTarget) => void;
}) {
  const classes = useStyles();
  const { entry, blocker, permissionPending, onMigrate } = props;
  const { namespace, targets } = entry;
  return (
    <section
      className={classes.root}
      aria-label={`Namespace ${namespace.name}`}
    >
      <div className={classes.header}>
        <Typography variant="h6" component="h4">
          Namespace {namespace.name}
        </Typography>
        <InjectionModeChip namespace={namespace} />
        <Typography variant="body2" component="span">
          asks for{' '}
          {namespace.desiredRevision ? (
            <RevisionChip
              revision={namespace.desiredRevision}
              version={namespace.desiredVersion}
              tooltip="The revision new pods in this namespace get, resolved through tags"
            />
          ) : (
            'no sidecar'
          )}
        </Typography>
        {namespace.podsNeedingRestart > 0 && (
          <Tooltip title={explainWarning('drift') ?? ''}>
            <Chip
              size="small"
              color="secondary"
              label={`Drift: ${namespace.podsNeedingRestart} of ${namespace.injectedPods} pods on another revision`}
              tabIndex={0}
            />
          </Tooltip>
        )}
        {namespace.team && (
          <Typography variant="caption" color="textSecondary">
            team {namespace.team}
          </Typography>
        )}
      </div>
      <div className={classes.bar}>
        <RevisionBar segments={namespace.podsByRevision} unit="pods" legend />
      </div>
      {props.workloads.length > 0 && (
        <div className={classes.workloads}>
          <WorkloadTable
            workloads={props.workloads}
            aria-label={`Workloads in ${namespace.name}`}
          />
        </div>
      )}
      <Typography variant="subtitle2" component="h5">
        Migration targets
      </Typography>
      {targets.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No other revision is installed in this cluster.
        </Typography>
      ) : (
        <List
          dense
          disablePadding
          aria-label={`Migration targets for ${namespace.name}`}
        >
          {targets.map(target => (
            <TargetLine
              key={target.revision}
              namespace={namespace}
              target={target}
              blocker={blocker}
              pending={permissionPending}
              onMigrate={onMigrate}
            />
          ))}
        </List>
      )}
    </section>
  );
});
