import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CampaignWave } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  describeTarget,
  REQUEST_TYPE_LABELS,
} from '../../requests/requestStates';

/** What a wave moves: its namespaces (pods, owners), then every request it makes. */
export function WaveContents(props: { wave: CampaignWave }) {
  const { wave } = props;
  return (
    <Box>
      {wave.namespaces.length > 0 && (
        <Box
          component="ul"
          m={0}
          pl={2}
          aria-label={`Namespaces of wave ${wave.index + 1}`}
        >
          {wave.namespaces.map(ns => (
            <li key={ns.namespace}>
              <Typography variant="body2" component="span">
                <strong>{ns.namespace}</strong>: {ns.pods}{' '}
                {ns.pods === 1 ? 'pod' : 'pods'}
                {ns.owners.length > 0 ? `; owners ${ns.owners.join(', ')}` : ''}
              </Typography>
            </li>
          ))}
        </Box>
      )}
      <Box
        component="ul"
        m={0}
        pl={2}
        aria-label={`Requests of wave ${wave.index + 1}`}
      >
        {wave.requests.map((r, i) => (
          <li key={i}>
            <Typography variant="body2" component="span">
              {REQUEST_TYPE_LABELS[r.type]} of {describeTarget(r)}: {r.summary}
            </Typography>
          </li>
        ))}
      </Box>
    </Box>
  );
}
