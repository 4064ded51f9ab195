import {
  ClusterInventory,
  ControlPlane,
  GatewayService,
  NamespaceInventory,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { capped } from './capped';
import {
  compactRevisionCounts,
  compactSupport,
  compactWarning,
} from './schemaFragments';

/** How much of a cluster one answer carries. */
export const MAX_NAMESPACES = 40;
export const MAX_WORKLOADS = 50;
export const MAX_GATEWAYS = 20;
export const MAX_WARNINGS = 30;
export const MAX_TAG_NAMESPACES = 10;

function compactNamespace(n: NamespaceInventory) {
  return {
    name: n.name,
    ...(n.team !== undefined && { team: n.team }),
    injectionMode: n.injectionMode,
    ...(n.revisionLabel !== undefined && { revisionLabel: n.revisionLabel }),
    ...(n.tag !== undefined && { tag: n.tag }),
    ...(n.desiredRevision !== undefined && {
      desiredRevision: n.desiredRevision,
    }),
    ...(n.desiredVersion !== undefined && {
      desiredVersion: n.desiredVersion,
    }),
    pods: n.pods,
    injectedPods: n.injectedPods,
    podsNeedingRestart: n.podsNeedingRestart,
    podsByRevision: compactRevisionCounts(n.podsByRevision),
  };
}

function compactControlPlane(cp: ControlPlane) {
  return {
    revision: cp.revision,
    ...(cp.version !== undefined && { version: cp.version }),
    ready: cp.ready,
    readyReplicas: cp.readyReplicas,
    replicas: cp.replicas,
    hasInjector: cp.hasInjector,
    isDefault: cp.isDefault,
    tags: cp.tags,
    support: compactSupport(cp.support),
    inUse: cp.inUse,
    safeToRemove: cp.safeToRemove,
    notRemovableBecause: cp.notRemovableBecause,
  };
}

function compactGatewayService(s: GatewayService) {
  return {
    namespace: s.namespace,
    name: s.name,
    ...(s.liveRevision !== undefined && { liveRevision: s.liveRevision }),
    ...(s.live && { liveGateway: s.live.name }),
    ...(s.readyEndpoints !== undefined && {
      readyEndpoints: s.readyEndpoints,
    }),
    ports: s.ports.map(p => p.port),
    standby: s.standby.map(g => ({
      name: g.name,
      ...(g.revision !== undefined && { revision: g.revision }),
      ...(g.version !== undefined && { version: g.version }),
      ready: g.ready,
    })),
  };
}

function compactWorkload(w: Workload) {
  return {
    kind: w.kind,
    name: w.name,
    replicas: w.replicas,
    readyReplicas: w.readyReplicas,
    ...(w.desiredRevision !== undefined && {
      desiredRevision: w.desiredRevision,
    }),
    podsByRevision: compactRevisionCounts(w.podsByRevision),
    podsNeedingRestart: w.podsNeedingRestart,
    ...(w.paused && { paused: true }),
    ...(w.onDelete && { onDelete: true }),
  };
}

/** Namespaces that need attention first (pods to restart), then by name. */
function byAttention(a: NamespaceInventory, b: NamespaceInventory) {
  return (
    b.podsNeedingRestart - a.podsNeedingRestart || a.name.localeCompare(b.name)
  );
}

/**
 * A cluster's inventory as `get-istio-cluster-inventory` answers: compact, capped lists, neediest
 * namespaces first; workloads only for one namespace.
 */
export function summarizeClusterInventory(
  inventory: ClusterInventory,
  namespace?: string,
) {
  const sync = inventory.cluster.sync;
  const namespaces = capped(
    (namespace
      ? inventory.namespaces.filter(n => n.name === namespace)
      : [...inventory.namespaces]
    ).sort(byAttention),
    MAX_NAMESPACES,
  );
  const workloads = capped(
    namespace ? inventory.workloads.filter(w => w.namespace === namespace) : [],
    MAX_WORKLOADS,
  );
  const gateways = capped(inventory.gateways, MAX_GATEWAYS);
  const gatewayApiGateways = capped(
    inventory.gatewayApiGateways ?? [],
    MAX_GATEWAYS,
  );
  const warnings = capped(
    namespace
      ? inventory.warnings.filter(w => w.subject.namespace === namespace)
      : inventory.warnings,
    MAX_WARNINGS,
  );
  return {
    cluster: {
      name: inventory.cluster.name,
      status: inventory.cluster.status,
      ...(inventory.cluster.message !== undefined && {
        message: inventory.cluster.message,
      }),
      sync: sync.state,
      complete: sync.complete,
      ...(sync.lastSyncedAt !== undefined && {
        lastSyncedAt: sync.lastSyncedAt,
      }),
    },
    controlPlanes: inventory.controlPlanes.map(compactControlPlane),
    tags: inventory.tags.map(t => {
      const used = capped(t.namespaces, MAX_TAG_NAMESPACES);
      return {
        name: t.name,
        ...(t.revision !== undefined && { revision: t.revision }),
        revisionExists: t.revisionExists,
        namespaceCount: t.namespaces.length,
        namespaces: used.items,
      };
    }),
    gatewayServices: inventory.gatewayServices.map(compactGatewayService),
    gateways: gateways.items.map(g => ({
      namespace: g.namespace,
      name: g.name,
      ...(g.revision !== undefined && { revision: g.revision }),
      ...(g.version !== undefined && { version: g.version }),
      ready: g.ready,
      readyReplicas: g.readyReplicas,
      replicas: g.replicas,
    })),
    gatewaysOmitted: gateways.omitted,
    gatewayApiGateways: gatewayApiGateways.items.map(g => ({
      namespace: g.namespace,
      name: g.name,
      ...(g.revisionLabel !== undefined && { revisionLabel: g.revisionLabel }),
      ...(g.revision !== undefined && { revision: g.revision }),
      deployment: g.deployment,
      readyReplicas: g.readyReplicas,
      replicas: g.replicas,
      podRevisions: g.podsByRevision.map(r => r.revision ?? 'none'),
    })),
    gatewayApiGatewaysOmitted: gatewayApiGateways.omitted,
    namespaces: namespaces.items.map(compactNamespace),
    namespacesOmitted: namespaces.omitted,
    ...(namespace !== undefined && {
      workloads: workloads.items.map(compactWorkload),
      workloadsOmitted: workloads.omitted,
    }),
    totals: inventory.totals,
    warnings: warnings.items.map(compactWarning),
    warningsOmitted: warnings.omitted,
  };
}
