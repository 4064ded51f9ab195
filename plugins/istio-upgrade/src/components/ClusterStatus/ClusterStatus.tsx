import { Cluster } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';

const STATUS_LABEL: Record<Cluster['status'], string> = {
  ready: 'Connected',
  'no-credentials': 'No credentials',
  'unsupported-auth-provider': 'Unsupported auth provider',
  'refused-url': 'API server URL refused',
  invalid: 'Invalid cluster entity',
};

/** The connection state of a cluster, with a status light and the reason when it cannot be used. */
export function ClusterStatus(props: { cluster: Cluster }) {
  const { cluster } = props;
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
