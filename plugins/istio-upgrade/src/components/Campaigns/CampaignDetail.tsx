import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { Campaign } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useCampaign } from '../../hooks/useCampaign';
import { PersonLink } from '../PersonLink';
import { CampaignActions } from './CampaignActions';
import { CampaignClusterView } from './CampaignClusterView';
import { CampaignStateChip } from './CampaignStateChip';
import { clusterProgress } from './campaignStates';
import { formatDuration, formatWhen } from './campaignFormat';
import { GateResultView } from './GateResultView';
import { LabelledProgress } from './LabelledProgress';

const useStyles = makeStyles((theme: Theme) => ({
  log: {
    maxHeight: theme.spacing(40),
    overflowY: 'auto',
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    backgroundColor: theme.palette.action.hover,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1),
    margin: 0,
    listStyle: 'none',
  },
}));

const RING_STATE_LABELS: Record<
  Campaign['plan']['rings'][number]['state'],
  string
> = {
  pending: 'Pending',
  running: 'Running',
  soaking: 'Soaking',
  succeeded: 'Succeeded',
  failed: 'Failed',
  aborted: 'Aborted',
};

function CampaignEvents(props: { campaign: Campaign }) {
  const classes = useStyles();
  const events = [...(props.campaign.events ?? [])].sort(
    (a, b) => b.at.localeCompare(a.at) || b.id - a.id,
  );
  if (events.length === 0) return null;
  return (
    <Box component="section" aria-label="Campaign events" mt={2}>
      <Typography variant="subtitle1" component="h4">
        Events, newest first
      </Typography>
      <ul className={classes.log}>
        {events.map(e => (
          <li key={e.id}>
            {formatWhen(e.at)} [{e.type}]{e.cluster ? ` ${e.cluster}:` : ''}{' '}
            {e.message}
            {e.actor ? ` (${e.actor})` : ''}
          </li>
        ))}
      </ul>
    </Box>
  );
}

function CampaignView(props: {
  campaign: Campaign;
  onChanged: (campaign: Campaign) => void;
}) {
  const { campaign, onChanged } = props;
  const progress = clusterProgress(campaign);
  return (
    <Box>
      <Box display="flex" gridGap={12} alignItems="center" flexWrap="wrap">
        <CampaignStateChip state={campaign.state} />
        <Typography variant="body2">
          To Istio <strong>{campaign.targetVersion}</strong>; asked by{' '}
          <PersonLink entityRef={campaign.requestedBy} /> at{' '}
          {formatWhen(campaign.requestedAt)}
          {campaign.decidedBy && (
            <>
              ; decided by <PersonLink entityRef={campaign.decidedBy} />
            </>
          )}
          {campaign.comment ? `: “${campaign.comment}”` : ''}
        </Typography>
      </Box>
      <Box my={1} maxWidth={480}>
        <LabelledProgress
          label="Clusters done"
          done={progress.done}
          total={progress.total}
          unit="clusters"
        />
      </Box>
      <Typography variant="body2" color="textSecondary">
        {campaign.plan.requests} requests planned, about{' '}
        {formatDuration(campaign.plan.estimatedSeconds)}
        {campaign.startedAt
          ? `; started ${formatWhen(campaign.startedAt)}`
          : ''}
        {campaign.finishedAt
          ? `; finished ${formatWhen(campaign.finishedAt)}`
          : ''}
        .
      </Typography>
      {campaign.pausedReason && campaign.state === 'paused' && (
        <Box mt={1}>
          <Alert severity="warning">
            <strong>Paused:</strong> {campaign.pausedReason}
          </Alert>
        </Box>
      )}
      {campaign.error && (
        <Box mt={1}>
          <Alert severity="error">{campaign.error}</Alert>
        </Box>
      )}
      {campaign.plan.warnings.map(w => (
        <Alert key={w} severity="info">
          {w}
        </Alert>
      ))}
      <Box my={2}>
        <CampaignActions campaign={campaign} onChanged={onChanged} />
      </Box>
      {campaign.plan.rings.map(ring => (
        <Box
          key={ring.index}
          component="section"
          aria-label={`Ring ${ring.name}`}
          mt={2}
        >
          <Typography variant="h6" component="h4">
            Ring {ring.index + 1}: {ring.name} — {RING_STATE_LABELS[ring.state]}
            {campaign.currentRing === ring.index &&
            ['running', 'paused', 'aborting'].includes(campaign.state)
              ? ' (current)'
              : ''}
          </Typography>
          {ring.soakUntil && ring.state === 'soaking' && (
            <Typography variant="body2" color="textSecondary">
              Soaking until {formatWhen(ring.soakUntil)}
            </Typography>
          )}
          {ring.gate && (
            <GateResultView gate={ring.gate} label={`ring ${ring.name}`} />
          )}
          {ring.clusters.map(c => (
            <CampaignClusterView
              key={c.cluster}
              campaign={campaign}
              cluster={c}
              onChanged={onChanged}
            />
          ))}
        </Box>
      ))}
      <CampaignEvents campaign={campaign} />
    </Box>
  );
}

/**
 * One campaign as it happens, polled while it can change: state, why it paused (a failed gate's
 * figures), the decisions allowed, then rings, clusters and waves with progress, gate charts and
 * results, links to each wave's requests, and the event log.
 */
export function CampaignDetail(props: { id: string; onClose: () => void }) {
  const { campaign, loading, error, update } = useCampaign(props.id);
  return (
    <InfoCard
      title={campaign ? `Campaign ${campaign.name}` : 'Campaign'}
      action={
        <Button size="small" onClick={props.onClose}>
          Back to campaigns
        </Button>
      }
    >
      {loading && <Progress />}
      {error && !campaign && <ResponseErrorPanel error={error} />}
      {campaign && <CampaignView campaign={campaign} onChanged={update} />}
    </InfoCard>
  );
}
