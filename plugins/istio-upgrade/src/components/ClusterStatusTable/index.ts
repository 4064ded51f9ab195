export { ClusterStatus, ClusterStatusTable } from './ClusterStatusTable';
