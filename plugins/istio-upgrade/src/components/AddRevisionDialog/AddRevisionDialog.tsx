import { Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import {
  RevisionCandidates,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useRevisionCandidates } from '../../hooks/useRevisionCandidates';
import { RequestDialog, RetryableError } from '../RequestDialog';
import { installChoice } from './installChoice';
import { RevisionCandidatePicker } from './RevisionCandidatePicker';

const INSTALLERS: Record<RevisionCandidates['installedBy'], string> = {
  sail: "Sail's operator, which installs the new revision",
  helm: 'Helm: people run the commands of the plan and the request waits for the revision',
  istioctl:
    'istioctl: people run the commands of the plan and the request waits for the revision',
  unknown:
    'an installer the inventory does not recognise: people run the commands of the plan and the request waits for the revision',
};

function ClusterFacts(props: { candidates: RevisionCandidates }) {
  const { installedBy, revisions, maxRevisions, kubernetesVersion } =
    props.candidates;
  return (
    <Typography variant="body2" paragraph>
      The control planes of {props.candidates.cluster} are managed by{' '}
      {INSTALLERS[installedBy]}. It runs {revisions} of at most {maxRevisions}{' '}
      revisions
      {kubernetesVersion ? `, on Kubernetes ${kubernetesVersion}` : ''}. The new
      revision comes up beside the others: no tag, namespace or gateway moves to
      it until later requests move them.
    </Typography>
  );
}

/**
 * Adds a control plane (an istiod revision) to a cluster: pick a version among the cluster's
 * candidates (each with its revision name and verdict; the patch may be edited), check the dry run
 * (Sail's write and values diff, or the commands people run on Helm and istioctl clusters), then a
 * request that waits for approval.
 */
export function AddRevisionDialog(props: {
  open: boolean;
  cluster: string;
  onClose: () => void;
  onCreated: (request: UpgradeRequest) => void;
}) {
  const { open, cluster } = props;
  const candidates = useRevisionCandidates(open ? cluster : undefined);
  const [minor, setMinor] = useState('');
  const [versionText, setVersionText] = useState('');
  useEffect(() => {
    if (open) {
      setMinor('');
      setVersionText('');
    }
  }, [open]);
  const list = candidates.value?.candidates ?? [];
  const picked = list.find(c => c.minor === minor);
  const choice = picked ? installChoice(picked, versionText) : undefined;
  return (
    <RequestDialog
      open={open}
      title={`Add a revision to ${cluster}`}
      noun="control plane install"
      draft={
        choice && choice.refused === undefined
          ? {
              type: 'control-plane-install',
              cluster,
              revision: choice.revision,
              target: { version: choice.version },
            }
          : undefined
      }
      noDraftReason={choice?.refused}
      waitsForApproval
      onClose={props.onClose}
      onCreated={props.onCreated}
    >
      {candidates.loading && !candidates.value && (
        <Box py={2}>
          <Progress />
        </Box>
      )}
      {candidates.error && (
        <RetryableError
          what="The versions this cluster could run are unavailable"
          error={candidates.error}
          onRetry={candidates.retry}
        />
      )}
      {candidates.value && (
        <>
          <ClusterFacts candidates={candidates.value} />
          <RevisionCandidatePicker
            candidates={list}
            minor={minor}
            onMinorChange={next => {
              setMinor(next);
              setVersionText(list.find(c => c.minor === next)?.version ?? '');
            }}
            versionText={versionText}
            onVersionTextChange={setVersionText}
            choice={choice}
          />
        </>
      )}
    </RequestDialog>
  );
}
