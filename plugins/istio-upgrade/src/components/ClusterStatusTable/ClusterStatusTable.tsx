import { Cluster } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  EmptyState,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';

const STATUS_LABEL: Record<Cluster['status'], string> = {
  ready: 'Connected',
  'no-credentials': 'No credentials',
  'unsupported-auth-provider': 'Unsupported auth provider',
  'refused-url': 'API server URL refused',
  invalid: 'Invalid cluster entity',
};

/** The connection state of a cluster, with a status light and the reason when it cannot be used. */
export function ClusterStatus({ cluster }: { cluster: Cluster }) {
  const label = STATUS_LABEL[cluster.status];
  if (cluster.status === 'ready') {
    return <StatusOK>{label}</StatusOK>;
  }
  const Status = cluster.status === 'invalid' ? StatusError : StatusWarning;
  return (
    <Status>
      {label}
      {cluster.message ? `: ${cluster.message}` : ''}
    </Status>
  );
}

const columns: TableColumn<Cluster>[] = [
  {
    title: 'Cluster',
    field: 'name',
    highlight: true,
    render: cluster => (
      <EntityRefLink
        entityRef={cluster.entityRef}
        title={cluster.title ?? cluster.name}
      />
    ),
  },
  { title: 'API server', field: 'apiServerHost' },
  {
    title: 'Owner',
    field: 'owner',
    render: cluster =>
      cluster.owner ? <EntityRefLink entityRef={cluster.owner} /> : '—',
  },
  {
    title: 'Status',
    field: 'status',
    render: cluster => <ClusterStatus cluster={cluster} />,
  },
];

/** A table of clusters with their connection state. */
export function ClusterStatusTable(props: {
  clusters: Cluster[];
  title?: string;
}) {
  const { clusters, title = 'Clusters' } = props;
  if (clusters.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No clusters in the catalog"
        description="Register clusters as Resource entities of type kubernetes-cluster with the Kubernetes plugin's annotations (kubernetes.io/api-server, kubernetes.io/auth-provider)."
      />
    );
  }
  return (
    <Table<Cluster>
      title={title}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={clusters}
    />
  );
}
