import {
  EntityCluster,
  EntityIstioView,
  MigrationTarget,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { aCluster, aNamespace, aWorkload } from './clusterFixtures';

// productpage's view of the `seed` cluster: its workload, its namespace and the targets it may move to.

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
