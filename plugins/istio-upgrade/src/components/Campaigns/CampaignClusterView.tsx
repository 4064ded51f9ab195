import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import {
  Campaign,
  CampaignCluster,
  CampaignWave,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef } from '../../api/IstioUpgradeApi';
import { ConfirmDecisionDialog, SKIP_CONSEQUENCE } from './CampaignActions';
import {
  CLUSTER_STATE_LABELS,
  isWaveDone,
  WAVE_KIND_LABELS,
  WAVE_STATE_LABELS,
} from './campaignStates';
import { formatDuration, formatWhen, formatWindows } from './campaignFormat';
import { GateChart } from './GateChart';
import { GateResultView } from './GateResultView';
import { gateSeries } from './gateSeries';
import { LabelledProgress } from './LabelledProgress';
import { RequestLinks } from './RequestLinks';
import { WaveContents } from './WaveContents';

const FINISHED_CLUSTER_STATES: ReadonlyArray<CampaignCluster['state']> = [
  'done',
  'skipped',
  'rolled-back',
];

function WaveView(props: { cluster: string; wave: CampaignWave }) {
  const { cluster, wave } = props;
  const label = `wave ${wave.index + 1} on ${cluster}`;
  return (
    <Box
      component="li"
      aria-label={`Wave ${wave.index + 1}`}
      py={1}
      borderTop={1}
      borderColor="divider"
    >
      <Box display="flex" gridGap={12} alignItems="center" flexWrap="wrap">
        <Typography variant="body2">
          <strong>
            Wave {wave.index + 1} · {WAVE_KIND_LABELS[wave.kind]}
          </strong>{' '}
          — {WAVE_STATE_LABELS[wave.state]}
          {wave.startedAt ? `, started ${formatWhen(wave.startedAt)}` : ''}
          {wave.finishedAt ? `, finished ${formatWhen(wave.finishedAt)}` : ''}
        </Typography>
        <RequestLinks requestIds={wave.requestIds} />
      </Box>
      {wave.message && (
        <Typography variant="body2" color="textSecondary">
          {wave.message}
        </Typography>
      )}
      <WaveContents wave={wave} />
      {wave.gate && <GateResultView gate={wave.gate} label={label} />}
    </Box>
  );
}

/**
 * One cluster of a campaign: its state, target and windows, progress bars of waves done and pods on
 * the target, charts of the health gate's 5xx ratio and p99 per wave, each wave with its requests and
 * gate result, and "Skip cluster" when the backend allows it.
 */
export function CampaignClusterView(props: {
  campaign: Campaign;
  cluster: CampaignCluster;
  onChanged: (campaign: Campaign) => void;
}) {
  const { campaign, cluster: c, onChanged } = props;
  const api = useApi(istioUpgradeApiRef);
  const [skipping, setSkipping] = useState(false);
  const wavesDone = c.waves.filter(isWaveDone).length;
  const canSkip =
    campaign.allowedActions.includes('skip') &&
    !FINISHED_CLUSTER_STATES.includes(c.state);
  const errorPoints = gateSeries(c.waves, 'errorRatio');
  const p99Points = gateSeries(c.waves, 'p99Ms');
  return (
    <Paper
      variant="outlined"
      component="section"
      aria-label={`Campaign cluster ${c.cluster}`}
      style={{ padding: 12, marginBottom: 12 }}
    >
      <Box display="flex" gridGap={16} alignItems="center" flexWrap="wrap">
        <Typography variant="subtitle1" component="h5">
          {c.cluster}: {CLUSTER_STATE_LABELS[c.state]}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          to {c.revision}
          {c.fromRevisions.length ? ` from ${c.fromRevisions.join(', ')}` : ''}
        </Typography>
        {canSkip && (
          <Button
            size="small"
            variant="outlined"
            onClick={() => setSkipping(true)}
          >
            Skip cluster {c.cluster}
          </Button>
        )}
      </Box>
      <Typography variant="body2" color="textSecondary">
        Windows: {formatWindows(c.windows)}
        {c.nextWindowAt
          ? `; next opening ${formatWhen(c.nextWindowAt)}`
          : ''}.{' '}
        {c.gated ? 'Gated on Prometheus.' : 'Not gated (no Prometheus).'}
        {c.estimatedSeconds !== undefined
          ? ` Estimated ${formatDuration(c.estimatedSeconds)}.`
          : ''}
        {c.retries ? ` ${c.retries} retries.` : ''}
      </Typography>
      {c.message && (
        <Alert
          severity={
            c.state === 'failed' || c.state === 'unreachable' ? 'error' : 'info'
          }
        >
          {c.message}
        </Alert>
      )}
      <Box display="flex" gridGap={24} flexWrap="wrap" my={1}>
        <LabelledProgress
          label={`Waves done on ${c.cluster}`}
          done={wavesDone}
          total={c.waves.length}
          unit="waves"
        />
        <LabelledProgress
          label={`Pods on target on ${c.cluster}`}
          done={c.podsOnTarget ?? 0}
          total={c.podsInScope}
          unit="pods"
        />
      </Box>
      {errorPoints.length > 0 && (
        <Box my={1}>
          <GateChart
            title={`5xx ratio per wave on ${c.cluster}`}
            unit="%"
            points={errorPoints}
          />
          <GateChart
            title={`p99 per wave on ${c.cluster}`}
            unit="ms"
            points={p99Points}
          />
        </Box>
      )}
      <Box component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
        {c.waves.map(w => (
          <WaveView key={w.index} cluster={c.cluster} wave={w} />
        ))}
      </Box>
      {skipping && (
        <ConfirmDecisionDialog
          title={`Skip cluster ${c.cluster}?`}
          consequence={SKIP_CONSEQUENCE}
          confirmLabel="Skip cluster"
          onClose={() => setSkipping(false)}
          onConfirm={async decision => {
            onChanged(
              await api.skipCampaignCluster(campaign.id, c.cluster, decision),
            );
            setSkipping(false);
          }}
        />
      )}
    </Paper>
  );
}
