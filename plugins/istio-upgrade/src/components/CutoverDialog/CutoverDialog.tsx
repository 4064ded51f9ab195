import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { useEffect, useId, useState } from 'react';
import {
  GatewayService,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestDialog } from '../RequestDialog';

/** The standby gateways a Service can be cut over to: those with a revision, ready ones first. */
export function cutoverCandidates(service: GatewayService) {
  return service.standby
    .filter(s => s.revision !== undefined)
    .sort((a, b) => Number(b.ready) - Number(a.ready));
}

/**
 * Confirms the cutover of a gateway's LoadBalancer Service to a standby colour: the prechecks of
 * the dry run (ready endpoints on every port), the selector change, then a request that waits for
 * approval.
 */
export function CutoverDialog(props: {
  open: boolean;
  cluster: string;
  service: GatewayService;
  onClose: () => void;
  onCreated: (request: UpgradeRequest) => void;
}) {
  const { open, cluster, service } = props;
  const candidates = cutoverCandidates(service);
  const [revision, setRevision] = useState(candidates[0]?.revision);
  const labelId = useId();
  useEffect(() => {
    if (open) setRevision(cutoverCandidates(service)[0]?.revision);
  }, [open, service]);
  return (
    <RequestDialog
      open={open}
      title={`Cut over ${service.namespace}/${service.name}`}
      noun="cutover"
      draft={
        revision
          ? {
              type: 'gateway-cutover',
              cluster,
              revision,
              target: { namespace: service.namespace, service: service.name },
            }
          : undefined
      }
      onClose={props.onClose}
      onCreated={props.onCreated}
    >
      <Typography variant="body2" paragraph>
        The Service now sends traffic to{' '}
        {service.live
          ? `${service.live.name} (revision ${service.liveRevision ?? '?'})`
          : 'no gateway'}
        . The cutover changes its selector to the standby gateway below, only
        once that gateway has ready endpoints on every port, and reverts at once
        if they vanish. The old gateway keeps running for a rollback.
      </Typography>
      {candidates.length > 1 && (
        <FormControl fullWidth margin="normal">
          <InputLabel id={labelId}>Target revision</InputLabel>
          <Select
            labelId={labelId}
            value={revision ?? ''}
            onChange={e => setRevision(e.target.value as string)}
          >
            {candidates.map(c => (
              <MenuItem key={c.name} value={c.revision}>
                {c.revision} — {c.name}
                {c.ready ? '' : ' (not ready)'}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      )}
    </RequestDialog>
  );
}
