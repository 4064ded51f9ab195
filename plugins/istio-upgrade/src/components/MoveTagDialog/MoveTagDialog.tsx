import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import {
  ControlPlane,
  RevisionTag,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { RequestDialog } from '../RequestDialog';
import { RevisionSelect } from '../RevisionSelect';

/**
 * Moves a revision tag to another revision: pick the revision, check the dry run (the webhook
 * change and the namespaces that use the tag), then a request that waits for approval.
 */
export function MoveTagDialog(props: {
  open: boolean;
  cluster: string;
  tag: RevisionTag;
  controlPlanes: ReadonlyArray<ControlPlane>;
  onClose: () => void;
  onCreated: (request: UpgradeRequest) => void;
}) {
  const { open, cluster, tag, controlPlanes } = props;
  const choices = controlPlanes.filter(cp => cp.revision !== tag.revision);
  const [revision, setRevision] = useState<string>('');
  const [migrateNamespaces, setMigrateNamespaces] = useState(false);
  useEffect(() => {
    if (open) {
      setRevision('');
      setMigrateNamespaces(false);
    }
  }, [open]);
  return (
    <RequestDialog
      open={open}
      title={`Move tag ${tag.name}`}
      noun="tag move"
      draft={
        revision
          ? {
              type: 'revision-tag-move',
              cluster,
              revision,
              target: { tag: tag.name },
              options: { migrateNamespaces },
            }
          : undefined
      }
      onClose={props.onClose}
      onCreated={props.onCreated}
    >
      <Typography variant="body2" paragraph>
        Tag {tag.name} points at {tag.revision ?? 'no revision'}; namespaces
        using it ({tag.namespaces.length ? tag.namespaces.join(', ') : 'none'})
        get the new revision's sidecar when their pods restart.
      </Typography>
      <RevisionSelect
        controlPlanes={choices}
        value={revision}
        onChange={setRevision}
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={migrateNamespaces}
            onChange={e => setMigrateNamespaces(e.target.checked)}
          />
        }
        label="Also restart the workloads of the namespaces that use the tag"
      />
    </RequestDialog>
  );
}
