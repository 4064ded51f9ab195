import Typography from '@material-ui/core/Typography';
import {
  ControlPlane,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestDialog } from '../RequestDialog';

/**
 * Removes a control plane (an istiod revision) from a cluster: the dry run lists every object
 * deleted and how (deleted now, or pruned by Sail after its grace period), then a request that waits
 * for approval.
 */
export function RemoveRevisionDialog(props: {
  open: boolean;
  cluster: string;
  controlPlane: ControlPlane;
  onClose: () => void;
  onCreated: (request: UpgradeRequest) => void;
}) {
  const { open, cluster, controlPlane } = props;
  return (
    <RequestDialog
      open={open}
      title={`Remove revision ${controlPlane.revision}`}
      noun="control plane removal"
      draft={{
        type: 'control-plane-removal',
        cluster,
        revision: controlPlane.revision,
        target: {},
      }}
      waitsForApproval
      onClose={props.onClose}
      onCreated={props.onCreated}
    >
      <Typography variant="body2" paragraph>
        Revision {controlPlane.revision} (Istio{' '}
        {controlPlane.version ?? 'of an unknown version'}) goes from {cluster},
        with its standby gateways if it has any. The request checks again that
        nothing uses it before it deletes anything; a rollback re-creates what
        it deleted.
      </Typography>
    </RequestDialog>
  );
}
