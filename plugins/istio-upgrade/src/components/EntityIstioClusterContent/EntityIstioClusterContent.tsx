import {
  Progress,
  ResponseErrorPanel,
  InfoCard,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import { ClusterStatus } from '../ClusterStatusTable';
import { useClusters } from '../useClusters';

/** The Istio tab of a `kubernetes-cluster` Resource entity. */
export function EntityIstioClusterContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useClusters();
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const cluster = value?.find(c => c.entityRef === entityRef);
  return (
    <InfoCard
      title={`Istio on ${entity.metadata.title ?? entity.metadata.name}`}
    >
      {cluster ? (
        <>
          <Typography variant="body2" gutterBottom>
            API server: {cluster.apiServerHost ?? 'unknown'}
          </Typography>
          <ClusterStatus cluster={cluster} />
        </>
      ) : (
        <Typography variant="body2">
          The istio-upgrade backend does not know this cluster yet; it reads the
          catalog every 30 seconds.
        </Typography>
      )}
    </InfoCard>
  );
}
