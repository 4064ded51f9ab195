import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { ClusterStatusTable } from '../ClusterStatusTable';
import { useClusters } from '../useClusters';

/** The Istio tab of a component: the clusters its workloads may run in. */
export function EntityIstioContent() {
  const { value, loading, error } = useClusters();
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return <ClusterStatusTable clusters={value ?? []} title="Clusters" />;
}
