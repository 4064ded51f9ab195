export { ClusterSyncState, formatAge, isSyncHealthy } from './ClusterSyncState';
