import {
  Cluster,
  ClusterInventory,
  ControlPlane,
  EntityCluster,
  EntityIstioView,
  FleetCluster,
  FleetSummary,
  GatewayService,
  MigrationTarget,
  NamespaceInventory,
  RequestPlan,
  UpgradeRequest,
  Workload,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** Test data shaped like the demo's `seed` cluster (the upgrade article's lab: 1-9-7 beside 1-10-4). */

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

export function anEntityCluster(
  overrides: Partial<EntityCluster> = {},
): EntityCluster {
  return {
    cluster: aCluster(),
    workloads: [aWorkload()],
    namespaces: [
      {
        namespace: aNamespace(),
        targets: [
          {
            revision: '1-10-4',
            version: '1.10.4',
            verdict: 'allowed',
            reason: '1.10.4, +1 minor from 1.9.7',
          },
        ],
      },
    ],
    warnings: [
      {
        cluster: 'seed',
        code: 'end-of-life',
        severity: 'error',
        subject: { kind: 'ControlPlane', name: '1-9-7' },
        message:
          'Control plane 1-9-7 runs Istio 1.9.7, whose support ended on 2021-10-08',
      },
    ],
    ...overrides,
  };
}

export function anEntityView(
  overrides: Partial<EntityIstioView> = {},
): EntityIstioView {
  return {
    entityRef: 'component:default/productpage',
    selector: 'backstage.io/kubernetes-id=productpage',
    namespace: 'bookinfo',
    clusters: [anEntityCluster()],
    ...overrides,
  };
}

/** A target the backend allows: seed's 1-10-4 for bookinfo on 1-9-7. */
export const ALLOWED_1_10_4: MigrationTarget = {
  revision: '1-10-4',
  version: '1.10.4',
  verdict: 'allowed',
  reason: '1.10.4, +1 minor from 1.9.7',
};

/** A target the backend refuses: an end-of-life revision. */
export const BLOCKED_1_8_6: MigrationTarget = {
  revision: '1-8-6',
  version: '1.8.6',
  verdict: 'blocked',
  reason: 'Istio 1.8.6 reached end of life on 2021-05-12',
};

/** productpage's view whose only namespace (bookinfo on seed, asking for 1-9-7) has these targets. */
export function anEntityViewWithTargets(
  targets: MigrationTarget[],
): EntityIstioView {
  return anEntityView({
    clusters: [
      anEntityCluster({ namespaces: [{ namespace: aNamespace(), targets }] }),
    ],
  });
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

export function aFleetCluster(
  overrides: Partial<FleetCluster> & { name?: string } = {},
): FleetCluster {
  const { name = 'seed', ...rest } = overrides;
  return {
    cluster: aCluster({ name }),
    revisions: [
      {
        revision: '1-9-7',
        version: '1.9.7',
        pods: 9,
        namespaces: 2,
        support: { status: 'end-of-life', endOfLife: '2021-10-08' },
        safeToRemove: false,
      },
      {
        revision: '1-10-4',
        version: '1.10.4',
        pods: 2,
        namespaces: 0,
        support: { status: 'end-of-life', endOfLife: '2022-01-07' },
        safeToRemove: false,
      },
    ],
    newestVersion: '1.10.4',
    minorsBehindFleet: 20,
    oldestProxyVersion: '1.9.7',
    pods: 13,
    injectedPods: 11,
    namespaces: 8,
    podsNeedingRestart: 0,
    teams: [],
    warningCounts: { error: 2, warning: 0, info: 0 },
    ...rest,
  };
}

export function aFleet(overrides: Partial<FleetSummary> = {}): FleetSummary {
  return {
    generatedAt: '2026-11-25T18:00:00.000Z',
    newestVersion: '1.30.0',
    clusters: [
      aFleetCluster(),
      aFleetCluster({
        name: 'prod-us',
        revisions: [
          {
            revision: '1-30-0',
            version: '1.30.0',
            pods: 15,
            namespaces: 2,
            support: { status: 'supported', minor: '1.30' },
          },
        ],
        newestVersion: '1.30.0',
        minorsBehindFleet: 0,
        pods: 19,
        injectedPods: 15,
        teams: ['shop', 'payments'],
        warningCounts: { error: 0, warning: 1, info: 0 },
      }),
    ],
    warnings: [
      {
        cluster: 'seed',
        code: 'end-of-life',
        severity: 'error',
        subject: { kind: 'ControlPlane', name: '1-9-7' },
        message:
          'Control plane 1-9-7 runs Istio 1.9.7, whose support ended on 2021-10-08',
      },
      {
        cluster: 'prod-us',
        code: 'drift',
        severity: 'warning',
        subject: { kind: 'Namespace', name: 'payments' },
        message:
          '3 pods in namespace payments are not yet restarted onto revision 1-30-0',
      },
    ],
    ...overrides,
  };
}

export function aPlan(overrides: Partial<RequestPlan> = {}): RequestPlan {
  return {
    plan: {
      summary:
        'Move namespace bookinfo from 1-9-7 (istio-injection=enabled) to 1-10-4: relabel it, then restart 2 workloads in 2 waves',
      fromRevision: '1-9-7',
      toRevision: '1-10-4',
      podsInScope: 2,
      patches: [
        {
          step: 'relabel-namespace',
          kind: 'Namespace',
          name: 'bookinfo',
          patchType: 'merge',
          patch: {
            metadata: {
              labels: { 'istio.io/rev': '1-10-4', 'istio-injection': null },
            },
          },
        },
        {
          step: 'restart-wave-1',
          kind: 'Deployment',
          namespace: 'bookinfo',
          name: 'productpage-v1',
          patchType: 'strategic-merge',
          patch: {
            spec: {
              template: {
                metadata: {
                  annotations: {
                    'kubectl.kubernetes.io/restartedAt':
                      '<set when the step first runs>',
                  },
                },
              },
            },
          },
        },
      ],
      waves: [
        {
          index: 1,
          workloads: [
            {
              kind: 'Deployment',
              namespace: 'bookinfo',
              name: 'productpage-v1',
              pods: 1,
            },
          ],
        },
        {
          index: 2,
          workloads: [
            {
              kind: 'Deployment',
              namespace: 'bookinfo',
              name: 'details-v1',
              pods: 1,
            },
          ],
        },
      ],
    },
    prechecks: {
      passed: true,
      checks: [
        {
          id: 'target-ready',
          status: 'pass',
          message: 'istiod-1-10-4 has 1/1 ready replicas',
        },
        {
          id: 'end-of-life',
          status: 'warn',
          message: '1.10.4 is end of life since 2022-01-07',
        },
      ],
    },
    approvalRequired: false,
    ...overrides,
  };
}

export function aRequest(
  overrides: Partial<UpgradeRequest> = {},
): UpgradeRequest {
  return {
    id: '6f1c2b1e-1111-4c55-8e1a-000000000001',
    type: 'namespace-migration',
    state: 'running',
    cluster: 'seed',
    entityRef: 'component:default/productpage',
    target: { namespace: 'bookinfo' },
    revision: '1-10-4',
    requestedBy: 'user:default/carol',
    requestedAt: '2026-11-25T18:00:00.000Z',
    updatedAt: '2026-11-25T18:00:10.000Z',
    approvalRequired: false,
    options: {},
    plan: aPlan().plan,
    progress: {
      podsInScope: 6,
      podsMigrated: 3,
      currentStep: 'restart-wave-2',
    },
    steps: [
      {
        index: 0,
        name: 'prechecks',
        description: 'Run the prechecks again',
        state: 'succeeded',
      },
      {
        index: 1,
        name: 'relabel-namespace',
        description: 'Relabel the namespace for 1-10-4',
        state: 'succeeded',
      },
      {
        index: 2,
        name: 'restart-wave-1',
        description: 'Restart productpage-v1',
        state: 'running',
      },
    ],
    events: [
      {
        id: 1,
        at: '2026-11-25T18:00:00.000Z',
        type: 'created',
        message: 'Request created',
        actor: 'user:default/carol',
      },
      {
        id: 2,
        at: '2026-11-25T18:00:05.000Z',
        type: 'cluster-write',
        message: 'patch Namespace bookinfo',
      },
    ],
    allowedActions: ['cancel'],
    notAllowedBecause: {},
    ...overrides,
  };
}
