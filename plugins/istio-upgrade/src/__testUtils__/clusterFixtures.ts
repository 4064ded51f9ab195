import {
  Cluster,
  ClusterInventory,
  ControlPlane,
  GatewayService,
  NamespaceInventory,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

// A cluster shaped like the demo's `seed` cluster: Istio 1-9-7 (the default tag) beside 1-10-4,
// bookinfo and nginx on 1-9-7, an ingress gateway per revision behind one Service.

export function aCluster(overrides: Partial<Cluster> = {}): Cluster {
  const name = overrides.name ?? 'seed';
  return {
    name,
    entityRef: `resource:default/${name}`,
    title: name === 'seed' ? 'Lab cluster' : name,
    status: 'ready',
    apiServerHost: '127.0.0.1:6443',
    sync: {
      state: 'synced',
      complete: true,
      lastSyncedAt: '2026-11-25T18:00:00.000Z',
      stalenessSeconds: 2,
    },
    ...overrides,
  };
}

export function aControlPlane(
  overrides: Partial<ControlPlane> = {},
): ControlPlane {
  const revision = overrides.revision ?? '1-10-4';
  return {
    revision,
    version: revision.replace(/-/g, '.'),
    ready: true,
    replicas: 1,
    readyReplicas: 1,
    tags: [],
    isDefault: false,
    hasInjector: true,
    support: {
      status: 'end-of-life',
      minor: '1.10',
      releaseDate: '2021-05-18',
      endOfLife: '2022-01-07',
      daysToEndOfLife: -1783,
    },
    inUse: { pods: 2, namespaces: 0, tags: 0, gateways: 1 },
    safeToRemove: false,
    notRemovableBecause: ['2 pods still run it'],
    ...overrides,
  };
}

export function aNamespace(
  overrides: Partial<NamespaceInventory> = {},
): NamespaceInventory {
  return {
    name: 'bookinfo',
    injectionMode: 'legacy',
    tag: 'default',
    desiredRevision: '1-9-7',
    desiredVersion: '1.9.7',
    pods: 6,
    injectedPods: 6,
    uninjectedPods: 0,
    podsNeedingRestart: 0,
    podsByRevision: [{ revision: '1-9-7', version: '1.9.7', count: 6 }],
    ...overrides,
  };
}

export function aWorkload(overrides: Partial<Workload> = {}): Workload {
  const name = overrides.name ?? 'productpage-v1';
  return {
    kind: 'Deployment',
    namespace: 'bookinfo',
    name,
    labels: { app: name, 'backstage.io/kubernetes-id': 'productpage' },
    podLabels: { app: name, 'backstage.io/kubernetes-id': 'productpage' },
    replicas: 1,
    readyReplicas: 1,
    desiredRevision: '1-9-7',
    pods: 1,
    podsByRevision: [{ revision: '1-9-7', version: '1.9.7', count: 1 }],
    podsNeedingRestart: 0,
    ...overrides,
  };
}

export function aGatewayService(
  overrides: Partial<GatewayService> = {},
): GatewayService {
  return {
    namespace: 'istio-gateways',
    name: 'istio-ingressgateway',
    selector: { istio: 'ingressgateway', version: '1-9-7' },
    ports: [
      { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
    ],
    live: { namespace: 'istio-gateways', name: 'istio-ingressgateway-1-9-7' },
    liveRevision: '1-9-7',
    readyEndpoints: 2,
    standby: [
      {
        namespace: 'istio-gateways',
        name: 'istio-ingressgateway-1-10-4',
        revision: '1-10-4',
        version: '1.10.4',
        ready: true,
      },
    ],
    externalAddress: '203.0.113.10',
    ...overrides,
  };
}

export function anInventory(
  overrides: Partial<ClusterInventory> = {},
): ClusterInventory {
  return {
    cluster: aCluster(),
    controlPlanes: [
      aControlPlane(),
      aControlPlane({
        revision: '1-9-7',
        tags: ['default'],
        isDefault: true,
        support: {
          status: 'end-of-life',
          minor: '1.9',
          endOfLife: '2021-10-08',
        },
        inUse: { pods: 9, namespaces: 2, tags: 1, gateways: 1 },
        notRemovableBecause: [
          '9 pods still run it',
          'it is the default revision',
        ],
      }),
    ],
    tags: [
      {
        name: 'default',
        revision: '1-9-7',
        revisionExists: true,
        namespaces: ['bookinfo'],
      },
    ],
    gateways: [
      {
        namespace: 'istio-gateways',
        name: 'istio-ingressgateway-1-9-7',
        labels: { istio: 'ingressgateway', version: '1-9-7' },
        revision: '1-9-7',
        version: '1.9.7',
        replicas: 2,
        readyReplicas: 2,
        ready: true,
        services: ['istio-ingressgateway'],
      },
      {
        namespace: 'istio-gateways',
        name: 'istio-ingressgateway-1-10-4',
        labels: { istio: 'ingressgateway', version: '1-10-4' },
        revision: '1-10-4',
        version: '1.10.4',
        replicas: 2,
        readyReplicas: 2,
        ready: true,
        services: [],
      },
    ],
    gatewayServices: [aGatewayService()],
    namespaces: [
      aNamespace(),
      aNamespace({
        name: 'nginx',
        injectionMode: 'revision',
        revisionLabel: '1-9-7',
        tag: undefined,
        pods: 3,
        injectedPods: 3,
        podsNeedingRestart: 1,
        podsByRevision: [
          { revision: '1-9-7', version: '1.9.7', count: 2 },
          { revision: '1-10-4', version: '1.10.4', count: 1 },
        ],
      }),
    ],
    workloads: [aWorkload()],
    warnings: [
      {
        cluster: 'seed',
        code: 'drift',
        severity: 'warning',
        subject: { kind: 'Namespace', name: 'nginx' },
        message:
          '1 pod in namespace nginx is not yet restarted onto revision 1-9-7',
      },
    ],
    totals: {
      pods: 13,
      injectedPods: 11,
      namespaces: 8,
      podsNeedingRestart: 1,
    },
    ...overrides,
  };
}
