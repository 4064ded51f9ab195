import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useMemo, useState } from 'react';
import {
  ACTIVE_REQUEST_STATES,
  EntityCluster,
  istioNamespaceMigratePermission,
  MigrationTarget,
  NamespaceInventory,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useClusters } from '../../hooks/useClusters';
import { useEntityIstioView } from '../../hooks/useEntityIstioView';
import { useRequests } from '../../hooks/useRequests';
import { REQUEST_STATE_LABELS } from '../../requests/requestStates';
import { ScheduledWavesCard } from '../Campaigns';
import { ClusterStatus } from '../ClusterStatus';
import { ClusterSyncState, isSyncHealthy } from '../ClusterSyncState';
import { MigrateDialog } from '../MigrateDialog';
import { RequestHistoryTable } from '../RequestHistoryTable';
import { RequestProgressView } from '../RequestProgressView';
import {
  ClusterMigrateBlocker,
  EntityClusterPanel,
} from './EntityClusterPanel';
import { errorMessage } from '../../api/errorMessage';

interface MigrationChoice {
  cluster: EntityCluster;
  namespace: NamespaceInventory;
  target: MigrationTarget;
}

const targetKey = (cluster: string, namespace?: string) =>
  `${cluster}/${namespace ?? ''}`;

/**
 * The Istio tab of a service: per cluster and namespace, its workloads' sidecar revisions, drift and
 * warnings; the revisions it can migrate to, with a dry-run confirmation; the requests in progress,
 * live; the campaign waves scheduled for its namespaces; and the history of past requests.
 */
export function EntityIstioContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const compoundRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const view = useEntityIstioView(compoundRef);
  const clusters = useClusters();
  const history = useRequests({ entityRef, limit: 50 });
  const active = useRequests({
    state: [...ACTIVE_REQUEST_STATES],
    type: 'namespace-migration',
  });
  const permission = usePermission({
    permission: istioNamespaceMigratePermission,
    resourceRef: entityRef,
  });
  // Requests shown live: those created or opened here, kept until dismissed, with what is known.
  const [watched, setWatched] = useState<
    ReadonlyArray<{ id: string; initial?: UpgradeRequest }>
  >([]);
  const [choice, setChoice] = useState<MigrationChoice>();

  const watch = useCallback((request: UpgradeRequest) => {
    setWatched(list =>
      list.some(w => w.id === request.id)
        ? list
        : [{ id: request.id, initial: request }, ...list],
    );
  }, []);

  const viewValue = view.value;
  const inView = useMemo(() => {
    const keys = new Set<string>();
    for (const c of viewValue?.clusters ?? []) {
      for (const ns of c.namespaces) {
        keys.add(targetKey(c.cluster.name, ns.namespace.name));
      }
    }
    return keys;
  }, [viewValue]);

  // Active migrations of this entity's namespaces, whoever asked (a namespace may hold several services).
  const activeByTarget = useMemo(() => {
    const map = new Map<string, UpgradeRequest>();
    for (const r of active.value ?? []) {
      const key = targetKey(r.cluster, r.target.namespace);
      if (inView.has(key)) map.set(key, r);
    }
    return map;
  }, [active.value, inView]);

  const live = useMemo(() => {
    const list = [...watched];
    for (const r of activeByTarget.values()) {
      if (!list.some(w => w.id === r.id)) list.push({ id: r.id, initial: r });
    }
    return list;
  }, [watched, activeByTarget]);

  const blocker: ClusterMigrateBlocker = useCallback(
    (cluster, namespace) => {
      if (!permission.loading && !permission.allowed) {
        return `You may not migrate the namespaces of ${entity.metadata.name}: your permissions do not include istio-upgrade.namespace.migrate for it`;
      }
      const busy = activeByTarget.get(
        targetKey(cluster.cluster.name, namespace.name),
      );
      if (busy) {
        return `A ${busy.type} of ${namespace.name} to ${
          busy.revision
        } is ${REQUEST_STATE_LABELS[busy.state].toLocaleLowerCase(
          'en-US',
        )}; one request per namespace at a time`;
      }
      if (cluster.cluster.status !== 'ready') {
        return `Cluster ${cluster.cluster.name} cannot be reached by the portal`;
      }
      if (!isSyncHealthy(cluster.cluster.sync)) {
        return `The inventory of ${cluster.cluster.name} is ${cluster.cluster.sync.state}; wait until it is synced`;
      }
      return undefined;
    },
    [permission.loading, permission.allowed, activeByTarget, entity],
  );

  const onMigrate = useCallback(
    (
      cluster: EntityCluster,
      namespace: NamespaceInventory,
      target: MigrationTarget,
    ) => setChoice({ cluster, namespace, target }),
    [],
  );

  const reloadAll = () => {
    view.retry();
    history.retry();
    active.retry();
  };

  // Clusters the view cannot include because the portal cannot read them: said here, per cluster.
  const unavailable = (clusters.value ?? []).filter(
    c =>
      !viewValue?.clusters.some(e => e.cluster.name === c.name) &&
      (c.status !== 'ready' || !['synced', 'stale'].includes(c.sync.state)),
  );

  return (
    <Box>
      {live.length > 0 && (
        <Box component="section" aria-label="Requests in progress" mb={2}>
          {live.map(({ id, initial }) => (
            <RequestProgressView
              key={id}
              requestId={id}
              initial={initial}
              onSettled={reloadAll}
              onProgress={view.retry}
              onRollback={rollback => {
                watch(rollback);
                reloadAll();
              }}
              onDismiss={
                watched.some(w => w.id === id)
                  ? () => setWatched(list => list.filter(w => w.id !== id))
                  : undefined
              }
            />
          ))}
        </Box>
      )}

      <ScheduledWavesCard />

      {unavailable.length > 0 && (
        <Box mb={2}>
          <Alert severity="warning">
            <Typography variant="body2" gutterBottom>
              This service's workloads cannot be shown for{' '}
              {unavailable.length === 1
                ? 'one cluster'
                : `${unavailable.length} clusters`}
              :
            </Typography>
            {unavailable.map(c => (
              <Box
                key={c.name}
                display="flex"
                gridGap={16}
                flexWrap="wrap"
                data-testid={`unavailable-cluster-${c.name}`}
              >
                <Typography variant="body2">
                  <strong>{c.title ?? c.name}</strong>
                </Typography>
                <ClusterStatus cluster={c} />
                <ClusterSyncState sync={c.sync} />
              </Box>
            ))}
          </Alert>
        </Box>
      )}

      {view.loading && !viewValue && <Progress />}
      {view.error && !viewValue && <ResponseErrorPanel error={view.error} />}
      {viewValue && (
        <>
          <Typography variant="body2" color="textSecondary" paragraph>
            Workloads selected by <code>{viewValue.selector || '—'}</code>
            {viewValue.namespace ? ` in namespace ${viewValue.namespace}` : ''},
            in {viewValue.clusters.length}{' '}
            {viewValue.clusters.length === 1 ? 'cluster' : 'clusters'}.
          </Typography>
          {viewValue.clusters.length === 0 && (
            <EmptyState
              missing="data"
              title="No workloads found"
              description={
                viewValue.selector
                  ? `No Deployment, StatefulSet or DaemonSet in the synced clusters matches ${
                      viewValue.selector
                    }${
                      viewValue.namespace
                        ? ` in namespace ${viewValue.namespace}`
                        : ''
                    }. Check the backstage.io/kubernetes-id label on the workloads.`
                  : 'The entity has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector annotation.'
              }
            />
          )}
          {viewValue.clusters.map(c => (
            <EntityClusterPanel
              key={c.cluster.name}
              entry={c}
              blocker={blocker}
              permissionPending={permission.loading}
              onMigrate={onMigrate}
            />
          ))}
        </>
      )}

      <Box component="section" aria-label="Request history" mt={2}>
        {history.error ? (
          <Alert severity="warning">
            The request history is unavailable: {errorMessage(history.error)}
          </Alert>
        ) : (
          <RequestHistoryTable
            requests={history.value ?? []}
            onSelect={watch}
            emptyMessage={
              history.loading
                ? 'Loading…'
                : 'No request has been made for this entity yet.'
            }
          />
        )}
      </Box>

      {choice && (
        <MigrateDialog
          open
          cluster={choice.cluster.cluster.name}
          clusterTitle={choice.cluster.cluster.title}
          namespace={choice.namespace.name}
          revision={choice.target.revision}
          fromRevision={choice.namespace.desiredRevision}
          entityRef={entityRef}
          onClose={() => setChoice(undefined)}
          onCreated={request => {
            setChoice(undefined);
            watch(request);
            history.retry();
            active.retry();
          }}
        />
      )}
    </Box>
  );
}
