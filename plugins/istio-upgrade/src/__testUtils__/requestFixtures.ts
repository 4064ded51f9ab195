import {
  RequestPlan,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { people } from './catalogFixtures';

// A migration of bookinfo on `seed` from 1-9-7 to 1-10-4: its plan, and the request running it.

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

/**
 * The plan of a migration of bookinfo for productpage when Erin's workloads run there too: they
 * restart with it, so the request waits for Erin or an approver.
 */
export function aSharedBookinfoPlan(
  erinsWorkloads: string[] = ['Deployment/details-v1', 'Deployment/ratings-v1'],
): RequestPlan {
  const erin = stringifyEntityRef(people.erin);
  return aPlan({
    plan: {
      ...aPlan().plan,
      sharedWith: { workloads: erinsWorkloads, owners: [erin] },
    },
    approvalRequired: true,
    approvalReason: `the namespace also runs workloads that are not component:default/productpage's (${erinsWorkloads.join(
      ', ',
    )}): ${erin} or an approver must approve; restartScope entity restarts only yours`,
  });
}
