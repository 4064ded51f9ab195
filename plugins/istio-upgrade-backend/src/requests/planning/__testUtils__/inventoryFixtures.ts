import {
  ClusterInventory,
  ControlPlane,
  GatewayApiGateway,
  NamespaceInventory,
  RevisionTag,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** A ready control plane of `revision` running `version`, with its injector. */
export function controlPlane(
  revision: string,
  version: string,
  extra: Partial<ControlPlane> = {},
): ControlPlane {
  return {
    revision,
    version,
    ready: true,
    readyReplicas: 1,
    replicas: 1,
    hasInjector: true,
    isDefault: false,
    inUse: { gateways: 0, namespaces: 0, pods: 0, tags: 0 },
    notRemovableBecause: [],
    safeToRemove: false,
    support: { status: 'supported' },
    tags: [],
    ...extra,
  };
}

/** A revision tag pointing at `revision`, used by `namespaces`. */
export function revisionTag(
  name: string,
  revision: string | undefined,
  namespaces: string[] = [],
): RevisionTag {
  return { name, revision, namespaces, revisionExists: !!revision };
}

/** A namespace whose pods all run `revision` (version `version`). */
export function namespaceInventory(
  name: string,
  revision: string,
  version: string,
  extra: Partial<NamespaceInventory> = {},
): NamespaceInventory {
  return {
    name,
    injectionMode: 'revision',
    revisionLabel: revision,
    desiredRevision: revision,
    desiredVersion: version,
    pods: 2,
    injectedPods: 2,
    uninjectedPods: 0,
    podsNeedingRestart: 0,
    podsByRevision: [{ revision, version, count: 2 }],
    ...extra,
  };
}

/** A Deployment of `namespace` whose `pods` pods run `revision`. */
export function workload(
  namespace: string,
  name: string,
  revision: string | undefined,
  extra: Partial<Workload> = {},
): Workload {
  const pods = extra.pods ?? 1;
  return {
    kind: 'Deployment',
    namespace,
    name,
    labels: { app: name },
    podLabels: { app: name },
    pods,
    replicas: pods,
    readyReplicas: pods,
    podsByRevision: [{ revision, count: pods }],
    podsNeedingRestart: 0,
    ...extra,
  };
}

/** A deployed, programmed Gateway API gateway of class istio. */
export function gatewayApiGateway(
  namespace: string,
  name: string,
  revision: string,
  extra: Partial<GatewayApiGateway> = {},
): GatewayApiGateway {
  return {
    namespace,
    name,
    gatewayClassName: 'istio',
    revisionLabel: revision,
    revision,
    deployment: `${name}-istio`,
    deployed: true,
    replicas: 1,
    readyReplicas: 1,
    podsByRevision: [{ revision, count: 1 }],
    programmed: true,
    ...extra,
  };
}

/** A synced inventory of cluster `c1` with nothing in it but what `extra` adds. */
export function clusterInventory(
  extra: Partial<ClusterInventory> = {},
): ClusterInventory {
  return {
    cluster: {
      name: 'c1',
      entityRef: 'resource:default/c1',
      status: 'ready',
      sync: { state: 'synced', complete: true },
    },
    controlPlanes: [],
    tags: [],
    gateways: [],
    gatewayServices: [],
    namespaces: [],
    workloads: [],
    warnings: [],
    totals: { namespaces: 0, pods: 0, injectedPods: 0, podsNeedingRestart: 0 },
    ...extra,
  };
}
