import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import { SyncState } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** Seconds as a person says them: 12 s, 4 min, 3 h. */
export function formatAge(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

const LABELS: Record<SyncState['state'], string> = {
  pending: 'Not synced yet',
  syncing: 'Syncing',
  synced: 'Synced',
  stale: 'Stale',
  error: 'Sync error',
  unavailable: 'Unavailable',
};

/** Whether the inventory can be trusted as the cluster's present state. */
export function isSyncHealthy(sync: SyncState): boolean {
  return sync.state === 'synced';
}

/** The sync state in words (state, age, error, completeness) and when it last matched the cluster. */
export function describeSyncState(sync: SyncState): {
  text: string;
  tooltip: string;
} {
  const age =
    sync.stalenessSeconds !== undefined
      ? ` (${formatAge(sync.stalenessSeconds)} ago)`
      : '';
  const text = `${LABELS[sync.state]}${
    sync.state === 'synced' || sync.state === 'stale' ? age : ''
  }${sync.error ? `: ${sync.error}` : ''}${
    sync.complete || sync.state === 'unavailable'
      ? ''
      : ' — inventory incomplete'
  }`;
  const tooltip = sync.lastSyncedAt
    ? `Last known to match the cluster at ${sync.lastSyncedAt}`
    : 'The inventory has not matched the cluster yet';
  return { text, tooltip };
}

/** How fresh the backend's copy of a cluster is: a status light, the age and any error. */
export function ClusterSyncState(props: { sync: SyncState }) {
  const { sync } = props;
  const { text, tooltip } = describeSyncState(sync);
  const Status = {
    pending: StatusPending,
    syncing: StatusRunning,
    synced: StatusOK,
    stale: StatusWarning,
    error: StatusError,
    unavailable: StatusError,
  }[sync.state];
  return (
    <Tooltip title={tooltip}>
      <span data-testid="sync-state">
        <Status>{text}</Status>
      </span>
    </Tooltip>
  );
}
