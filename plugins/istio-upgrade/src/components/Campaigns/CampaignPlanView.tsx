import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  CampaignCluster,
  CampaignPlan,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { WAVE_KIND_LABELS } from './campaignStates';
import { formatDuration, formatWhen, formatWindows } from './campaignFormat';
import { WaveContents } from './WaveContents';

function PlannedCluster(props: { cluster: CampaignCluster }) {
  const { cluster: c } = props;
  return (
    <Box
      component="section"
      aria-label={`Planned cluster ${c.cluster}`}
      pl={2}
      mb={1.5}
    >
      <Typography variant="subtitle2" component="h5">
        {c.cluster} → {c.revision}
        {c.fromRevisions.length > 0
          ? ` from ${c.fromRevisions.join(', ')}`
          : ''}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Windows: {formatWindows(c.windows)}
        {c.nextWindowAt
          ? `; next opening ${formatWhen(c.nextWindowAt)}`
          : ''}.{' '}
        {c.gated
          ? 'Health gate on Prometheus.'
          : 'Not gated (no Prometheus for this cluster).'}{' '}
        {c.podsInScope} pods in scope
        {c.estimatedSeconds !== undefined
          ? `, about ${formatDuration(c.estimatedSeconds)}`
          : ''}
        .{c.message ? ` ${c.message}` : ''}
      </Typography>
      {c.waves.length === 0 && (
        <Typography variant="body2">Nothing to do on this cluster.</Typography>
      )}
      {c.waves.map(w => (
        <Box key={w.index} pl={2} mt={0.5}>
          <Typography variant="body2" component="h6">
            <strong>
              Wave {w.index + 1} · {WAVE_KIND_LABELS[w.kind]}
            </strong>
          </Typography>
          <WaveContents wave={w} />
        </Box>
      ))}
    </Box>
  );
}

/**
 * A campaign's dry run: the totals (requests, estimated duration, warnings), then per ring and
 * cluster the target revision, windows and next opening, whether it is gated, and per wave the
 * namespaces and every request it would make.
 */
export function CampaignPlanView(props: { plan: CampaignPlan }) {
  const { plan } = props;
  return (
    <Box component="section" aria-label="Campaign plan">
      <Typography variant="subtitle1" component="h4">
        {plan.requests} {plan.requests === 1 ? 'request' : 'requests'} to Istio{' '}
        {plan.targetVersion}, about {formatDuration(plan.estimatedSeconds)}{' '}
        (soak times and windows included)
      </Typography>
      {plan.warnings.map(w => (
        <Alert key={w} severity="warning">
          {w}
        </Alert>
      ))}
      {plan.rings.map(ring => (
        <Box
          key={ring.index}
          component="section"
          aria-label={`Planned ring ${ring.name}`}
          mt={1.5}
        >
          <Typography variant="subtitle1" component="h5">
            Ring {ring.index + 1}: {ring.name} ({ring.clusters.length}{' '}
            {ring.clusters.length === 1 ? 'cluster' : 'clusters'})
          </Typography>
          {ring.clusters.map(c => (
            <PlannedCluster key={c.cluster} cluster={c} />
          ))}
        </Box>
      ))}
    </Box>
  );
}
