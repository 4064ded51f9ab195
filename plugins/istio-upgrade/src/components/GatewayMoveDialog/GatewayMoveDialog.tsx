import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import {
  ControlPlane,
  GatewayApiGateway,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestDialog } from '../RequestDialog';
import { RevisionSelect } from '../RevisionSelect';

/**
 * Moves a Gateway API gateway to another revision: pick the revision, check the dry run (the
 * relabelling of the Gateway, as sent), then a request that waits for approval as a cutover does.
 */
export function GatewayMoveDialog(props: {
  open: boolean;
  cluster: string;
  gateway: GatewayApiGateway;
  controlPlanes: ReadonlyArray<ControlPlane>;
  onClose: () => void;
  onCreated: (request: UpgradeRequest) => void;
}) {
  const { open, cluster, gateway, controlPlanes } = props;
  const choices = controlPlanes.filter(cp => cp.revision !== gateway.revision);
  const [revision, setRevision] = useState<string>('');
  useEffect(() => {
    if (open) setRevision('');
  }, [open]);
  return (
    <RequestDialog
      open={open}
      title={`Move gateway ${gateway.namespace}/${gateway.name}`}
      noun="gateway move"
      draft={
        revision
          ? {
              type: 'gateway-move',
              cluster,
              revision,
              target: { namespace: gateway.namespace, gateway: gateway.name },
            }
          : undefined
      }
      onClose={props.onClose}
      onCreated={props.onCreated}
    >
      <Typography variant="body2" paragraph>
        istiod of revision {gateway.revision ?? 'unknown'}
        {gateway.tag ? ` (through tag ${gateway.tag})` : ''} deploys this
        gateway as {gateway.deployment}. The move sets the Gateway's
        istio.io/rev label to the revision below, so that its istiod redeploys
        it; the request waits until the new pods serve the gateway's Service,
        and puts the label back at once if they stop.
      </Typography>
      <RevisionSelect
        controlPlanes={choices}
        value={revision}
        onChange={setRevision}
      />
    </RequestDialog>
  );
}
