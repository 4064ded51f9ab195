import { buildClusterInventory, buildFleetSummary } from '.';
import {
  MeshSnapshot,
  testCluster,
} from '../../testing/__testUtils__/MeshSnapshot';

const releases = [
  { minor: '1.9', releaseDate: '2021-02-09', endOfLife: '2021-10-08' },
  { minor: '1.10', releaseDate: '2021-05-18', endOfLife: '2022-01-07' },
  { minor: '1.11', releaseDate: '2021-08-12', endOfLife: '2022-03-25' },
];
const now = Date.parse('2021-09-01T00:00:00Z');

function inventoryOf(name: string, mesh: MeshSnapshot) {
  return buildClusterInventory(testCluster(name), mesh.snapshot(), {
    releases,
    now,
  });
}

const behind = inventoryOf(
  'eu-west',
  new MeshSnapshot()
    .controlPlane('1-9-7', '1.9.7')
    .controlPlane('1-10-4', '1.10.4')
    .namespace('bookinfo', { 'istio.io/rev': '1-10-4', team: 'reviews-team' })
    .namespace('empty', { team: 'nobody' })
    .namespace('old', { 'istio.io/rev': '1-8-0', team: 'legacy-team' })
    .pods('bookinfo', 'reviews', 3, { revision: '1-9-7' })
    .pods('bookinfo', 'ratings', 2, { revision: '1-10-4' })
    .pods('old', 'app', 2, { revision: '1-8-0' }),
);
const ahead = inventoryOf(
  'us-east',
  new MeshSnapshot()
    .controlPlane('1-11-2', '1.11.2')
    .namespace('shop', { 'istio.io/rev': '1-11-2', team: 'shop-team' })
    .pods('shop', 'cart', 4, { revision: '1-11-2' }),
);

describe('buildFleetSummary', () => {
  const fleet = buildFleetSummary([ahead, behind], now);

  it('stamps when it was generated and names the fleet newest version', () => {
    expect(fleet.generatedAt).toBe('2021-09-01T00:00:00.000Z');
    expect(fleet.newestVersion).toBe('1.11.2');
  });

  it('summarises each cluster, sorted by name, against the fleet newest', () => {
    expect(fleet.clusters.map(c => c.cluster.name)).toEqual([
      'eu-west',
      'us-east',
    ]);
    expect(fleet.clusters[0]).toMatchObject({
      newestVersion: '1.10.4',
      minorsBehindFleet: 1,
      oldestProxyVersion: '1.9.7',
      teams: ['legacy-team', 'reviews-team'],
      namespaces: 4,
      pods: 7,
      injectedPods: 7,
      podsNeedingRestart: 3,
    });
    expect(fleet.clusters[1]).toMatchObject({
      newestVersion: '1.11.2',
      minorsBehindFleet: 0,
    });
  });

  it('lists each revision with its version, use, support and removability, including detached ones', () => {
    expect(fleet.clusters[0].revisions).toEqual([
      {
        revision: '1-10-4',
        version: '1.10.4',
        pods: 2,
        namespaces: 1,
        support: expect.objectContaining({ status: 'supported' }),
        safeToRemove: false,
      },
      {
        revision: '1-8-0',
        pods: 2,
        namespaces: 1,
        support: { status: 'unknown' },
      },
      {
        revision: '1-9-7',
        version: '1.9.7',
        pods: 3,
        namespaces: 0,
        support: expect.objectContaining({ status: 'ending-soon' }),
        safeToRemove: false,
      },
    ]);
  });

  it('counts warnings per cluster and lists all of them with their cluster, most severe first', () => {
    const counts = behind.warnings.reduce(
      (acc, w) => ({ ...acc, [w.severity]: acc[w.severity] + 1 }),
      { error: 0, warning: 0, info: 0 },
    );
    expect(fleet.clusters[0].warningCounts).toEqual(counts);
    expect(fleet.warnings).toHaveLength(
      behind.warnings.length + ahead.warnings.length,
    );
    expect(
      fleet.warnings.every(
        w => w.cluster === 'eu-west' || w.cluster === 'us-east',
      ),
    ).toBe(true);
    const rank = { error: 0, warning: 1, info: 2 };
    const keys = fleet.warnings.map(w => [rank[w.severity], w.cluster!]);
    const sorted = [...keys].sort(
      (a, b) =>
        (a[0] as number) - (b[0] as number) ||
        String(a[1]).localeCompare(String(b[1])),
    );
    expect(keys).toEqual(sorted);
  });

  it('does not depend on the order clusters are given in', () => {
    expect(buildFleetSummary([behind, ahead], now)).toEqual(fleet);
  });

  it('summarises an empty fleet', () => {
    expect(buildFleetSummary([], new Date(now))).toEqual({
      generatedAt: '2021-09-01T00:00:00.000Z',
      clusters: [],
      warnings: [],
    });
  });
});
