import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useMemo, useState } from 'react';
import {
  Cluster,
  ControlPlane,
  GatewayApiGateway,
  GatewayService,
  istioControlPlaneManagePermission,
  istioGatewayCutoverPermission,
  istioNamespaceMigrateAnyPermission,
  istioRevisionTagMovePermission,
  NamespaceInventory,
  RevisionTag,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useClusterInventory } from '../../hooks/useClusterInventory';
import { useClusters } from '../../hooks/useClusters';
import { useRemovalVerdicts } from '../../hooks/useRemovalVerdicts';
import { useRequests } from '../../hooks/useRequests';
import {
  isActiveRequest,
  REQUEST_STATE_LABELS,
} from '../../requests/requestStates';
import { AddRevisionDialog } from '../AddRevisionDialog';
import { ClusterStatus } from '../ClusterStatus';
import { ClusterSyncState, isSyncHealthy } from '../ClusterSyncState';
import { CutoverDialog, cutoverCandidates } from '../CutoverDialog';
import { GatewayMoveDialog } from '../GatewayMoveDialog';
import { MigrateDialog } from '../MigrateDialog';
import { MoveTagDialog } from '../MoveTagDialog';
import { RemoveRevisionDialog } from '../RemoveRevisionDialog';
import { RequestHistoryTable } from '../RequestHistoryTable';
import { RequestProgressView } from '../RequestProgressView';
import { WarningsTable } from '../WarningsTable';
import { ControlPlanesTable } from './ControlPlanesTable';
import { GatewayApiGatewaysTable } from './GatewayApiGatewaysTable';
import { GatewaysPanel } from './GatewaysPanel';
import { NamespacesTable } from './NamespacesTable';
import { RevisionTagsTable } from './RevisionTagsTable';
import { errorMessage } from '../../api/errorMessage';

function busyReason(request: UpgradeRequest | undefined): string | undefined {
  return request
    ? `A request to ${request.revision} is ${REQUEST_STATE_LABELS[
        request.state
      ].toLocaleLowerCase('en-US')}; one request per target at a time`
    : undefined;
}

/** A part of the tab; `heading` is false when the part is a table with its own title. */
function Section(props: {
  title: string;
  heading?: boolean;
  children: React.ReactNode;
}) {
  return (
    <Grid item xs={12} component="section" aria-label={props.title}>
      {props.heading !== false && (
        <Typography variant="h5" component="h2" gutterBottom>
          {props.title}
        </Typography>
      )}
      {props.children}
    </Grid>
  );
}

function ClusterInventoryView(props: { cluster: Cluster }) {
  const { cluster } = props;
  const inventory = useClusterInventory(cluster.name);
  const requests = useRequests({ cluster: cluster.name, limit: 50 });
  const cutoverPermission = usePermission({
    permission: istioGatewayCutoverPermission,
  });
  const tagPermission = usePermission({
    permission: istioRevisionTagMovePermission,
  });
  const [watched, setWatched] = useState<
    ReadonlyArray<{ id: string; initial?: UpgradeRequest }>
  >([]);
  // Migrating any namespace, without a catalog entity, is the platform team's: hidden from others.
  const migrateAnyPermission = usePermission({
    permission: istioNamespaceMigrateAnyPermission,
  });
  // Adding and removing control planes is the platform team's: hidden from others.
  const controlPlanePermission = usePermission({
    permission: istioControlPlaneManagePermission,
  });
  const [addingRevision, setAddingRevision] = useState(false);
  const [removal, setRemoval] = useState<ControlPlane>();
  const [cutover, setCutover] = useState<GatewayService>();
  const [gatewayMove, setGatewayMove] = useState<GatewayApiGateway>();
  const [migration, setMigration] = useState<NamespaceInventory>();
  const [tagMove, setTagMove] = useState<RevisionTag>();

  const watch = useCallback((request: UpgradeRequest) => {
    setWatched(list =>
      list.some(w => w.id === request.id)
        ? list
        : [{ id: request.id, initial: request }, ...list],
    );
  }, []);

  /** A dialog's request was made: close the dialog and show the request live. */
  const created = (close: () => void) => (request: UpgradeRequest) => {
    close();
    watch(request);
    requests.retry();
  };

  const active = useMemo(
    () => (requests.value ?? []).filter(isActiveRequest),
    [requests.value],
  );
  const activeFor = (
    type: UpgradeRequest['type'],
    match: (r: UpgradeRequest) => boolean,
  ) => active.find(r => r.type === type && match(r));

  const live = [...watched];
  for (const r of active) {
    if (!live.some(w => w.id === r.id)) live.push({ id: r.id, initial: r });
  }

  const reload = () => {
    inventory.retry();
    requests.retry();
  };

  const notSynced = isSyncHealthy(cluster.sync)
    ? undefined
    : `The inventory of ${cluster.name} is ${cluster.sync.state}; wait until it is synced`;

  const cutoverBlocker = (service: GatewayService) => {
    if (!cutoverPermission.loading && !cutoverPermission.allowed) {
      return 'You may not cut gateways over: that takes the istio-upgrade.gateway.cutover permission';
    }
    const busy = busyReason(
      activeFor(
        'gateway-cutover',
        r =>
          r.target.namespace === service.namespace &&
          r.target.service === service.name,
      ),
    );
    if (busy) return busy;
    const candidates = cutoverCandidates(service);
    if (candidates.length === 0) {
      return 'No standby gateway of another revision to cut over to';
    }
    if (!candidates.some(c => c.ready)) {
      return 'No standby gateway is ready';
    }
    return notSynced;
  };

  const gatewayMoveBlocker = (gateway: GatewayApiGateway) =>
    busyReason(
      activeFor(
        'gateway-move',
        r =>
          r.target.namespace === gateway.namespace &&
          r.target.gateway === gateway.name,
      ),
    ) ?? notSynced;

  const tagBlocker = (tag: RevisionTag) => {
    if (!tagPermission.loading && !tagPermission.allowed) {
      return 'You may not move revision tags: that takes the istio-upgrade.tag.move permission';
    }
    return (
      busyReason(
        activeFor('revision-tag-move', r => r.target.tag === tag.name),
      ) ?? notSynced
    );
  };

  const value = inventory.value;
  const removalVerdict = useRemovalVerdicts(
    cluster.name,
    value?.controlPlanes,
    controlPlanePermission.allowed,
  );
  const palette = useMemo(
    () => value?.namespaces.flatMap(n => n.podsByRevision) ?? [],
    [value],
  );
  const activeByNamespace = useMemo(() => {
    const map = new Map<string, UpgradeRequest>();
    for (const r of active) {
      if (r.type === 'namespace-migration' && r.target.namespace) {
        map.set(r.target.namespace, r);
      }
    }
    return map;
  }, [active]);

  const migrateBlocker = (namespace: NamespaceInventory) =>
    busyReason(activeByNamespace.get(namespace.name)) ?? notSynced;

  return (
    <Grid container spacing={3}>
      {live.length > 0 && (
        <Section title="Requests in progress">
          {live.map(({ id, initial }) => (
            <RequestProgressView
              key={id}
              requestId={id}
              initial={initial}
              onSettled={reload}
              onProgress={inventory.retry}
              onRollback={rollback => {
                watch(rollback);
                reload();
              }}
              onDismiss={
                watched.some(w => w.id === id)
                  ? () => setWatched(list => list.filter(w => w.id !== id))
                  : undefined
              }
            />
          ))}
        </Section>
      )}
      {inventory.loading && !value && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {inventory.error && !value && (
        <Grid item xs={12}>
          <ResponseErrorPanel
            error={inventory.error}
            title={`The inventory of ${cluster.name} is unavailable`}
          />
        </Grid>
      )}
      {value && (
        <>
          <Grid item xs={12}>
            <Typography variant="body2" data-testid="cluster-totals">
              {value.totals.namespaces} namespaces, {value.totals.pods} pods (
              {value.totals.injectedPods} with a sidecar),{' '}
              {value.totals.podsNeedingRestart} on another revision than their
              namespace asks for.
            </Typography>
          </Grid>
          <Section title="Control planes" heading={false}>
            <ControlPlanesTable
              controlPlanes={value.controlPlanes}
              actions={
                controlPlanePermission.allowed
                  ? {
                      addBlocker: notSynced,
                      onAdd: () => setAddingRevision(true),
                      removal: removalVerdict,
                      onRemove: setRemoval,
                    }
                  : undefined
              }
            />
          </Section>
          <Section title="Revision tags" heading={false}>
            <RevisionTagsTable
              tags={value.tags}
              blocker={tagBlocker}
              pending={tagPermission.loading}
              onMove={setTagMove}
            />
          </Section>
          <Section title="Gateways">
            <GatewaysPanel
              services={value.gatewayServices}
              gateways={value.gateways}
              blocker={cutoverBlocker}
              pending={cutoverPermission.loading}
              onCutover={setCutover}
            />
          </Section>
          <Section title="Gateway API gateways" heading={false}>
            <GatewayApiGatewaysTable
              gateways={value.gatewayApiGateways ?? []}
              move={
                cutoverPermission.allowed
                  ? { blocker: gatewayMoveBlocker, onMove: setGatewayMove }
                  : undefined
              }
            />
          </Section>
          <Section title="Namespaces" heading={false}>
            <NamespacesTable
              namespaces={value.namespaces}
              palette={palette}
              activeRequests={activeByNamespace}
              migrate={
                migrateAnyPermission.allowed
                  ? { blocker: migrateBlocker, onMigrate: setMigration }
                  : undefined
              }
            />
          </Section>
          <Section title="Warnings" heading={false}>
            <WarningsTable warnings={value.warnings} />
          </Section>
        </>
      )}
      <Section title="Requests" heading={false}>
        {requests.error ? (
          <Alert severity="warning">
            The requests of this cluster are unavailable:{' '}
            {errorMessage(requests.error)}
          </Alert>
        ) : (
          <RequestHistoryTable
            title={`Requests in ${cluster.name}`}
            requests={requests.value ?? []}
            onSelect={watch}
            emptyMessage={
              requests.loading ? 'Loading…' : 'No request in this cluster yet.'
            }
          />
        )}
      </Section>
      {addingRevision && (
        <AddRevisionDialog
          open
          cluster={cluster.name}
          onClose={() => setAddingRevision(false)}
          onCreated={created(() => setAddingRevision(false))}
        />
      )}
      {removal && (
        <RemoveRevisionDialog
          open
          cluster={cluster.name}
          controlPlane={removal}
          onClose={() => setRemoval(undefined)}
          onCreated={created(() => setRemoval(undefined))}
        />
      )}
      {cutover && value && (
        <CutoverDialog
          open
          cluster={cluster.name}
          service={cutover}
          onClose={() => setCutover(undefined)}
          onCreated={created(() => setCutover(undefined))}
        />
      )}
      {gatewayMove && value && (
        <GatewayMoveDialog
          open
          cluster={cluster.name}
          gateway={gatewayMove}
          controlPlanes={value.controlPlanes}
          onClose={() => setGatewayMove(undefined)}
          onCreated={created(() => setGatewayMove(undefined))}
        />
      )}
      {migration && value && (
        <MigrateDialog
          open
          cluster={cluster.name}
          clusterTitle={cluster.title}
          namespace={migration.name}
          fromRevision={migration.desiredRevision}
          controlPlanes={value.controlPlanes}
          onClose={() => setMigration(undefined)}
          onCreated={created(() => setMigration(undefined))}
        />
      )}
      {tagMove && value && (
        <MoveTagDialog
          open
          cluster={cluster.name}
          tag={tagMove}
          controlPlanes={value.controlPlanes}
          onClose={() => setTagMove(undefined)}
          onCreated={created(() => setTagMove(undefined))}
        />
      )}
    </Grid>
  );
}

/**
 * The Istio tab of a `kubernetes-cluster` Resource: its connection and sync state, control planes
 * (support, end of life, tags, readiness, in-use counts, safe to remove; "Add revision" and
 * "Remove" for the platform team), revision tags with "Move
 * tag", gateways with their live and standby colours and "Request cutover", Gateway API gateways
 * with their revisions and "Move", namespaces with their
 * migration state (and "Migrate" for the platform team), warnings, and its requests.
 */
export function EntityIstioClusterContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const clusters = useClusters();
  const title = entity.metadata.title ?? entity.metadata.name;
  if (clusters.loading && !clusters.value) return <Progress />;
  if (clusters.error && !clusters.value) {
    return <ResponseErrorPanel error={clusters.error} />;
  }
  const cluster = clusters.value?.find(c => c.entityRef === entityRef);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title={`Istio on ${title}`}>
          {cluster ? (
            <Box>
              <Box display="flex" gridGap={24} flexWrap="wrap" mb={1}>
                <ClusterStatus cluster={cluster} />
                <ClusterSyncState sync={cluster.sync} />
              </Box>
              <StructuredMetadataTable
                dense
                metadata={{
                  'API server': cluster.apiServerHost ?? 'unknown',
                  'Last synced': cluster.sync.lastSyncedAt ?? 'never',
                  ...(cluster.sync.error && {
                    'Sync error': cluster.sync.error,
                  }),
                }}
              />
            </Box>
          ) : (
            <Typography variant="body2">
              The istio-upgrade backend does not know this cluster yet; it reads
              the catalog every 30 seconds.
            </Typography>
          )}
        </InfoCard>
      </Grid>
      {cluster && cluster.status === 'ready' && (
        <Grid item xs={12}>
          <ClusterInventoryView cluster={cluster} />
        </Grid>
      )}
    </Grid>
  );
}
