import { parseEntityRef } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import {
  ControlPlane,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestDialog } from '../RequestDialog';
import { RevisionSelect } from '../RevisionSelect';
import {
  RestartScope,
  RestartScopeChoice,
  SharedWith,
} from './RestartScopeChoice';

/**
 * Confirms the migration of a namespace to a revision: the dry run's label change, the workloads
 * restarting wave by wave and the prechecks, then the request. Asked for a catalog entity in a
 * namespace where others' workloads run, it offers to restart only the entity's workloads; asked
 * without one (the platform team, from a cluster's page), it restarts the whole namespace.
 */
export function MigrateDialog(props: {
  open: boolean;
  cluster: string;
  clusterTitle?: string;
  namespace: string;
  /** The revision to move to; when absent, it is picked here among `controlPlanes`. */
  revision?: string;
  /** The revisions to pick from when `revision` is absent. */
  controlPlanes?: ReadonlyArray<ControlPlane>;
  fromRevision?: string;
  /** The catalog entity the migration is asked for; absent for a migration of any namespace. */
  entityRef?: string;
  onClose: () => void;
  onCreated: (request: UpgradeRequest) => void;
}) {
  const { open, cluster, clusterTitle, namespace, fromRevision, entityRef } =
    props;
  const [picked, setPicked] = useState('');
  const [restartScope, setRestartScope] = useState<RestartScope>();
  // Kept from the whole-namespace plan, so that the choice stays while an entity-scope plan shows.
  const [shared, setShared] = useState<{
    sharedWith: SharedWith;
    approvalRequired: boolean;
  }>();
  useEffect(() => {
    if (open) {
      setPicked('');
      setRestartScope(undefined);
      setShared(undefined);
    }
  }, [open]);
  const revision = props.revision ?? (picked || undefined);
  const entity = entityRef ? parseEntityRef(entityRef).name : undefined;
  const onlyEntity = restartScope === 'entity';
  const choices = (props.controlPlanes ?? []).filter(
    cp => cp.revision !== fromRevision,
  );
  return (
    <RequestDialog
      open={open}
      title={`Migrate namespace ${namespace}${
        props.revision ? ` to ${props.revision}` : ''
      }`}
      noun="migration"
      draft={
        revision
          ? {
              type: 'namespace-migration',
              cluster,
              revision,
              target: { namespace },
              ...(entityRef && { entityRef }),
              ...(restartScope && { options: { restartScope } }),
            }
          : undefined
      }
      onPlan={plan => {
        if (plan.plan.sharedWith) {
          setShared({
            sharedWith: plan.plan.sharedWith,
            approvalRequired: plan.approvalRequired,
          });
        }
      }}
      onClose={props.onClose}
      onCreated={props.onCreated}
    >
      <Typography variant="body2" paragraph>
        In cluster {clusterTitle ?? cluster}, namespace {namespace} will ask for
        revision {revision ?? 'the one you pick'}
        {fromRevision ? ` instead of ${fromRevision}` : ''}, and{' '}
        {onlyEntity ? `${entity}'s workloads` : 'its workloads'} restart so that
        their pods get the new sidecar.
        {entityRef
          ? ''
          : ' No catalog entity: every workload there restarts.'}{' '}
        Check the plan below.
      </Typography>
      {!props.revision && (
        <RevisionSelect
          controlPlanes={choices}
          value={picked}
          onChange={setPicked}
        />
      )}
      {entity && shared && revision && (
        <RestartScopeChoice
          namespace={namespace}
          entity={entity}
          revision={revision}
          sharedWith={shared.sharedWith}
          approvalRequired={shared.approvalRequired}
          value={restartScope ?? 'namespace'}
          onChange={setRestartScope}
        />
      )}
    </RequestDialog>
  );
}
