import Typography from '@material-ui/core/Typography';
import { UpgradeRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestDialog } from '../RequestDialog';

/**
 * Confirms the migration of a namespace to a revision: the dry run's label change, the workloads
 * restarting wave by wave and the prechecks, then the request.
 */
export function MigrateDialog(props: {
  open: boolean;
  cluster: string;
  clusterTitle?: string;
  namespace: string;
  revision: string;
  fromRevision?: string;
  entityRef: string;
  onClose: () => void;
  onCreated: (request: UpgradeRequest) => void;
}) {
  const {
    cluster,
    clusterTitle,
    namespace,
    revision,
    fromRevision,
    entityRef,
  } = props;
  return (
    <RequestDialog
      open={props.open}
      title={`Migrate namespace ${namespace} to ${revision}`}
      noun="migration"
      draft={{
        type: 'namespace-migration',
        cluster,
        revision,
        target: { namespace },
        entityRef,
      }}
      onClose={props.onClose}
      onCreated={props.onCreated}
    >
      <Typography variant="body2" paragraph>
        In cluster {clusterTitle ?? cluster}, namespace {namespace} will ask for
        revision {revision}
        {fromRevision ? ` instead of ${fromRevision}` : ''}, and its workloads
        restart so that their pods get the new sidecar. Check the plan below.
      </Typography>
    </RequestDialog>
  );
}
