import {
  FleetCluster,
  FleetSummary,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { aCluster } from './clusterFixtures';

// The fleet: `seed` on end-of-life revisions beside `prod-us` on the newest.

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
