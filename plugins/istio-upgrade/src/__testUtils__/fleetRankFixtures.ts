import {
  FleetCluster,
  FleetSummary,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { aCluster } from './clusterFixtures';
import { aFleet, aFleetCluster } from './fleetFixtures';

// Five clusters, one per finding, whose names sort in another order than their urgency:
// eol-e (no owner) is on end-of-life 1.9.7, skew-d (team-a) has proxies in an unsupported skew,
// drift-c (team-b) has pods to restart, behind-b (team-a) is two minors behind, ok-a (team-b) is
// on the newest.

function on(
  name: string,
  version: string,
  owner: string | undefined,
  overrides: Partial<FleetCluster> = {},
): FleetCluster {
  const revision = version.replace(/\./g, '-');
  return aFleetCluster({
    name,
    cluster: aCluster({
      name,
      title: `Cluster ${name}`,
      ...(owner && { owner: `group:default/${owner}` }),
    }),
    revisions: [
      {
        revision,
        version,
        pods: 10,
        namespaces: 2,
        support: { status: 'supported', minor: version.slice(0, 4) },
      },
    ],
    newestVersion: version,
    minorsBehindFleet: 30 - Number(version.split('.')[1]),
    pods: 12,
    injectedPods: 10,
    namespaces: 3,
    warningCounts: { error: 0, warning: 0, info: 0 },
    ...overrides,
  });
}

export function aFleetToRank(): FleetSummary {
  return aFleet({
    newestVersion: '1.30.0',
    clusters: [
      on('behind-b', '1.28.2', 'team-a'),
      on('drift-c', '1.30.0', 'team-b', {
        warningCounts: { error: 0, warning: 1, info: 0 },
      }),
      on('eol-e', '1.9.7', undefined, {
        revisions: [
          {
            revision: '1-9-7',
            version: '1.9.7',
            pods: 10,
            namespaces: 2,
            support: { status: 'end-of-life', endOfLife: '2021-10-08' },
          },
        ],
      }),
      on('ok-a', '1.30.0', 'team-b'),
      on('skew-d', '1.30.0', 'team-a', {
        warningCounts: { error: 1, warning: 0, info: 0 },
      }),
    ],
    warnings: [
      {
        cluster: 'skew-d',
        code: 'unsupported-skew',
        severity: 'error',
        subject: { kind: 'Namespace', name: 'legacy' },
        message:
          'Proxies 1.27.0 in namespace legacy are more than two minors behind',
      },
      {
        cluster: 'drift-c',
        code: 'drift',
        severity: 'warning',
        subject: { kind: 'Namespace', name: 'shop' },
        message:
          '3 pods in namespace shop are not yet restarted onto revision 1-30-0',
      },
    ],
  });
}
