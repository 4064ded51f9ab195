import {
  Content,
  ContentHeader,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { ClusterStatusTable } from '../ClusterStatusTable';
import { useClusters } from '../useClusters';

/** The fleet page: every catalog-registered cluster. */
export function IstioFleetPage() {
  const { value, loading, error } = useClusters();
  return (
    <Page themeId="tool">
      <Header
        title="Istio fleet"
        subtitle="Control-plane revisions, gateways and sidecars across every cluster"
      />
      <Content>
        <ContentHeader title="Clusters" />
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && <ClusterStatusTable clusters={value} />}
      </Content>
    </Page>
  );
}
