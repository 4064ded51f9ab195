import { aCluster } from '../../__testUtils__/clusterFixtures';
import { aFleet, aFleetCluster } from '../../__testUtils__/fleetFixtures';
import { computeFleetTotals } from './fleetTotals';

describe('computeFleetTotals', () => {
  it('sums pods and namespaces per version and per revision across clusters, newest first', () => {
    const fleet = aFleet();
    const third = aFleetCluster({
      name: 'prod-eu',
      cluster: aCluster({ name: 'prod-eu' }),
      revisions: [
        {
          revision: 'stable',
          version: '1.30.0',
          pods: 4,
          namespaces: 1,
          support: { status: 'supported' },
        },
        {
          revision: '1-9-7',
          version: '1.9.7',
          pods: 1,
          namespaces: 1,
          support: { status: 'end-of-life' },
        },
      ],
      pods: 6,
      injectedPods: 5,
      namespaces: 3,
    });
    const totals = computeFleetTotals([...fleet.clusters, third]);
    expect(totals).toMatchObject({
      clusters: 3,
      pods: 13 + 19 + 6,
      injectedPods: 11 + 15 + 5,
      namespaces: 8 + 8 + 3,
    });
    expect(totals.byVersion).toEqual([
      {
        version: '1.30.0',
        revisions: ['1-30-0', 'stable'],
        pods: 19,
        namespaces: 3,
        clusters: 2,
      },
      {
        version: '1.10.4',
        revisions: ['1-10-4'],
        pods: 2,
        namespaces: 0,
        clusters: 1,
      },
      {
        version: '1.9.7',
        revisions: ['1-9-7'],
        pods: 10,
        namespaces: 3,
        clusters: 2,
      },
    ]);
    expect(
      totals.byRevision.map(r => [
        r.revisions[0],
        r.version,
        r.pods,
        r.clusters,
      ]),
    ).toEqual([
      ['1-30-0', '1.30.0', 15, 1],
      ['stable', '1.30.0', 4, 1],
      ['1-10-4', '1.10.4', 2, 1],
      ['1-9-7', '1.9.7', 10, 2],
    ]);
  });

  it('keeps revisions without a version last and an empty fleet at zero', () => {
    const detached = aFleetCluster({
      revisions: [
        {
          revision: 'gone',
          pods: 3,
          namespaces: 1,
          support: { status: 'unknown' },
        },
        {
          revision: '1-9-7',
          version: '1.9.7',
          pods: 1,
          namespaces: 1,
          support: { status: 'end-of-life' },
        },
      ],
    });
    expect(
      computeFleetTotals([detached]).byVersion.map(v => v.version),
    ).toEqual(['1.9.7', undefined]);
    expect(computeFleetTotals([])).toEqual({
      clusters: 0,
      pods: 0,
      injectedPods: 0,
      namespaces: 0,
      byRevision: [],
      byVersion: [],
    });
  });
});
