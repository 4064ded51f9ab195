export {
  ClusterSyncState,
  describeSyncState,
  formatAge,
  isSyncHealthy,
} from './ClusterSyncState';
