import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { memo, useMemo } from 'react';
import {
  EntityCluster,
  MigrationTarget,
  NamespaceInventory,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ClusterStatus } from '../ClusterStatus';
import { ClusterSyncState, isSyncHealthy } from '../ClusterSyncState';
import { WarningChips } from '../WarningChips';
import { NamespacePanel } from './NamespacePanel';

/** Why the Migrate button for a target is disabled, if it is. */
export type ClusterMigrateBlocker = (
  cluster: EntityCluster,
  namespace: NamespaceInventory,
  target: MigrationTarget,
) => string | undefined;

/**
 * An entity's workloads in one cluster: the cluster's connection and sync state (a cluster that is
 * stale or failing says so here, and the rest of the page is unaffected), the warnings that concern
 * the entity, and a panel per namespace.
 */
export const EntityClusterPanel = memo(function EntityClusterPanelView(props: {
  entry: EntityCluster;
  blocker: ClusterMigrateBlocker;
  permissionPending: boolean;
  onMigrate: (
    cluster: EntityCluster,
    namespace: NamespaceInventory,
    target: MigrationTarget,
  ) => void;
}) {
  const { entry, blocker, permissionPending, onMigrate } = props;
  const { cluster } = entry;
  const byNamespace = useMemo(() => {
    const map = new Map<string, Workload[]>();
    for (const w of entry.workloads) {
      const list = map.get(w.namespace) ?? [];
      list.push(w);
      map.set(w.namespace, list);
    }
    return map;
  }, [entry.workloads]);
  const clusterBlocker = useMemo(
    () => (namespace: NamespaceInventory, target: MigrationTarget) =>
      blocker(entry, namespace, target),
    [blocker, entry],
  );
  const migrate = useMemo(
    () => (namespace: NamespaceInventory, target: MigrationTarget) =>
      onMigrate(entry, namespace, target),
    [onMigrate, entry],
  );
  return (
    <Box mb={3}>
      <InfoCard
        title={cluster.title ?? cluster.name}
        subheader={
          <Box display="flex" gridGap={16} flexWrap="wrap" alignItems="center">
            <EntityRefLink entityRef={cluster.entityRef} title={cluster.name} />
            <ClusterStatus cluster={cluster} />
            <ClusterSyncState sync={cluster.sync} />
          </Box>
        }
      >
        <section aria-label={`Cluster ${cluster.name}`}>
          {!isSyncHealthy(cluster.sync) && (
            <Alert severity="warning">
              The inventory of {cluster.name} is not up to date (
              {cluster.sync.state}
              {cluster.sync.error ? `: ${cluster.sync.error}` : ''}); what
              follows is the last known state.
            </Alert>
          )}
          <WarningChips warnings={entry.warnings} />
          {entry.namespaces.length === 0 && (
            <Typography variant="body2">
              No namespace of this cluster holds the entity's workloads.
            </Typography>
          )}
          {entry.namespaces.map(ns => (
            <NamespacePanel
              key={ns.namespace.name}
              entry={ns}
              workloads={byNamespace.get(ns.namespace.name) ?? []}
              blocker={clusterBlocker}
              permissionPending={permissionPending}
              onMigrate={migrate}
            />
          ))}
        </section>
      </InfoCard>
    </Box>
  );
});
