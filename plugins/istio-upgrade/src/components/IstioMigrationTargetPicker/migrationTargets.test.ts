import { aCluster } from '../../__testUtils__/clusterFixtures';
import {
  ALLOWED_1_10_4,
  anEntityCluster,
  anEntityView,
  anEntityViewWithTargets,
  BLOCKED_1_8_6,
} from '../../__testUtils__/entityViewFixtures';
import { migrationTargetOptions, whyNotPickable } from './migrationTargets';

describe('migrationTargetOptions', () => {
  it("lists every namespace's targets, blocked where the backend's verdict is", () => {
    const view = anEntityViewWithTargets([ALLOWED_1_10_4, BLOCKED_1_8_6]);
    expect(migrationTargetOptions(view)).toEqual([
      expect.objectContaining({
        key: 'seed/bookinfo/1-10-4',
        cluster: 'seed',
        clusterTitle: 'Lab cluster',
        namespace: 'bookinfo',
        revision: '1-10-4',
        currentRevision: '1-9-7',
        blockedBecause: undefined,
      }),
      expect.objectContaining({
        key: 'seed/bookinfo/1-8-6',
        blockedBecause: 'Istio 1.8.6 reached end of life on 2021-05-12',
      }),
    ]);
  });
  it('blocks the allowed targets of a cluster that cannot be reached or is not synced', () => {
    const unreachable = anEntityView({
      clusters: [
        anEntityCluster({ cluster: aCluster({ status: 'no-credentials' }) }),
      ],
    });
    expect(migrationTargetOptions(unreachable)[0].blockedBecause).toBe(
      'Cluster seed cannot be reached by the portal',
    );
    const stale = anEntityView({
      clusters: [
        anEntityCluster({
          cluster: aCluster({
            sync: { state: 'stale', complete: true, stalenessSeconds: 600 },
          }),
        }),
      ],
    });
    expect(migrationTargetOptions(stale)[0].blockedBecause).toBe(
      'The inventory of seed is stale; wait until it is synced',
    );
  });
});

describe('whyNotPickable', () => {
  const options = migrationTargetOptions(
    anEntityViewWithTargets([ALLOWED_1_10_4, BLOCKED_1_8_6]),
  );

  it.each([
    [undefined, 'Pick the revision your namespace moves to'],
    [{ cluster: 'seed' }, 'Pick the revision your namespace moves to'],
    [
      { cluster: 'seed', namespace: 'bookinfo', revision: '1-8-6' },
      'Istio 1.8.6 reached end of life on 2021-05-12',
    ],
    [
      { cluster: 'prod-eu', namespace: 'bookinfo', revision: '1-10-4' },
      '1-10-4 is not a revision namespace bookinfo of cluster prod-eu can move to',
    ],
    [{ cluster: 'seed', namespace: 'bookinfo', revision: '1-10-4' }, undefined],
  ])('%j: %s', (value, why) => {
    expect(whyNotPickable(value, options)).toBe(why);
  });
});
