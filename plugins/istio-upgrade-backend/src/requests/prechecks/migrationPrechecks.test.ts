import {
  ClusterInventory,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  clusterInventory,
  controlPlane,
  namespaceInventory,
  revisionTag,
  workload,
} from '../planning/__testUtils__/inventoryFixtures';
import {
  controlPlaneChecks,
  MigrationFacts,
  migrationPrechecks,
} from './migrationPrechecks';

const releases = [
  { minor: '1.28', releaseDate: '2025-11-05', endOfLife: '2026-06-01' },
  { minor: '1.29', releaseDate: '2026-02-16', endOfLife: '2026-12-31' },
  { minor: '1.30', releaseDate: '2026-05-20' },
];

const inventory = (extra: Partial<ClusterInventory> = {}) =>
  clusterInventory({
    controlPlanes: [
      controlPlane('1-28-3', '1.28.3'),
      controlPlane('1-29-1', '1.29.1'),
      controlPlane('1-30-1', '1.30.1'),
    ],
    tags: [revisionTag('stable', '1-29-1'), revisionTag('gone', '1-27-0')],
    namespaces: [
      namespaceInventory('bookinfo', '1-28-3', '1.28.3', {
        injectionMode: 'legacy',
        revisionLabel: undefined,
        podsNeedingRestart: 2,
      }),
      namespaceInventory('mesh', '1-29-1', '1.29.1'),
      namespaceInventory('newer', '1-30-1', '1.30.1'),
      namespaceInventory('fresh', '1-29-1', '1.29.1', { podsByRevision: [] }),
      namespaceInventory('old', '1-26-2', '1.26.2', {
        podsByRevision: [
          { revision: '1-26-2', version: '1.26.2', count: 1 },
          { revision: '1-28-3', version: '1.28.3', count: 1 },
        ],
      }),
    ],
    workloads: [workload('bookinfo', 'details-v1', '1-28-3')],
    ...extra,
  });

const facts = (extra: Partial<MigrationFacts> = {}): MigrationFacts => ({
  inventory: inventory(),
  namespace: 'bookinfo',
  revision: '1-29-1',
  namespaceObject: { metadata: { labels: { 'istio-injection': 'enabled' } } },
  protectedNamespaces: ['istio-system'],
  releases,
  now: new Date('2026-10-01T00:00:00Z'),
  ...extra,
});

const check = (checks: Precheck[], id: string) => checks.find(c => c.id === id);

const statuses = (checks: Precheck[]) =>
  Object.fromEntries(checks.map(c => [c.id, c.status]));

describe('the prechecks of a namespace migration', () => {
  it('pass, in a fixed order, for a legacy namespace moving one minor up to a ready, supported revision', () => {
    const checks = migrationPrechecks(facts());
    expect(checks.map(c => `${c.id} ${c.status}`)).toEqual([
      'namespace-protected pass',
      'cluster-synced pass',
      'namespace-exists pass',
      'injection-mode pass',
      'target-exists pass',
      'target-ready pass',
      'target-injector pass',
      'skew pass',
      'end-of-life pass',
      'conflicting-labels pass',
      'gitops-ownership pass',
      'nothing-to-do pass',
      'workloads-not-restartable pass',
    ]);
    expect(check(checks, 'skew')?.message).toBe(
      'Every proxy (1.28.3) can move to 1.29.1',
    );
    expect(check(checks, 'end-of-life')?.message).toBe('1.29.1 is supported');
  });

  it('stop at a protected namespace, with that check alone', () => {
    expect(migrationPrechecks(facts({ namespace: 'istio-system' }))).toEqual([
      {
        id: 'namespace-protected',
        status: 'fail',
        message:
          'Namespace istio-system is protected: requests may not change it',
      },
    ]);
  });

  it('stop at a namespace missing from the inventory or from the cluster', () => {
    const missing = [
      migrationPrechecks(facts({ namespace: 'gone' })),
      migrationPrechecks(facts({ namespaceObject: undefined })),
    ];
    expect(missing.map(statuses)).toEqual([
      {
        'namespace-protected': 'pass',
        'cluster-synced': 'pass',
        'namespace-exists': 'fail',
      },
      {
        'namespace-protected': 'pass',
        'cluster-synced': 'pass',
        'namespace-exists': 'fail',
      },
    ]);
    expect(check(missing[0], 'namespace-exists')?.message).toBe(
      'Namespace gone does not exist in cluster c1',
    );
  });

  it('fail a namespace without sidecar injection, saying why', () => {
    const mode = (
      injectionMode: 'ambient' | 'disabled' | 'none',
    ): string | undefined =>
      check(
        migrationPrechecks(
          facts({
            inventory: inventory({
              namespaces: [
                namespaceInventory('bookinfo', '1-28-3', '1.28.3', {
                  injectionMode,
                }),
              ],
            }),
          }),
        ),
        'injection-mode',
      )?.message;
    expect(mode('ambient')).toBe(
      'Namespace bookinfo uses ambient mode: it has no sidecars to migrate',
    );
    expect(mode('disabled')).toBe(
      'Namespace bookinfo does not use sidecar injection (istio-injection=disabled): migrating it would turn injection on; label it first',
    );
    expect(mode('none')).toBe(
      'Namespace bookinfo does not use sidecar injection (no injection label): migrating it would turn injection on; label it first',
    );
  });

  it('fail a jump of more than two minors from any proxy of the namespace', () => {
    const checks = migrationPrechecks(
      facts({ namespace: 'old', revision: '1-29-1', namespaceObject: {} }),
    );
    expect(check(checks, 'skew')).toEqual({
      id: 'skew',
      status: 'fail',
      message:
        '1.26.2 to 1.29.1 is 3 minors up; a canary upgrade may jump at most 2',
    });
    expect(
      check(migrationPrechecks(facts({ namespace: 'fresh' })), 'skew')?.message,
    ).toBe('No sidecar yet');
  });

  describe('end of life of the target', () => {
    const afterEndOfLife = new Date('2027-01-15T00:00:00Z');

    it('warns on a step up to an end-of-life release: the next step is due', () => {
      expect(
        check(
          migrationPrechecks(facts({ now: afterEndOfLife })),
          'end-of-life',
        ),
      ).toEqual({
        id: 'end-of-life',
        status: 'warn',
        message:
          '1.29.1 is end of life since 2026-12-31: a step up, plan the next one',
      });
    });

    it('fails a move onto it that is no step up, unless it is a rollback', () => {
      const down = facts({
        namespace: 'newer',
        namespaceObject: {},
        now: afterEndOfLife,
      });
      expect(check(migrationPrechecks(down), 'end-of-life')).toEqual({
        id: 'end-of-life',
        status: 'fail',
        message: '1.29.1 is end of life since 2026-12-31',
      });
      expect(
        check(migrationPrechecks({ ...down, rollback: true }), 'end-of-life'),
      ).toEqual({
        id: 'end-of-life',
        status: 'warn',
        message:
          '1.29.1 is end of life since 2026-12-31: the rollback returns to it; plan the upgrade again',
      });
      expect(
        check(
          migrationPrechecks(
            facts({ namespace: 'fresh', now: afterEndOfLife }),
          ),
          'end-of-life',
        )?.status,
      ).toBe('fail');
    });

    it('warns when support ends soon, and passes a release whose end is not known yet', () => {
      expect(
        check(
          migrationPrechecks(facts({ now: new Date('2026-12-01T00:00:00Z') })),
          'end-of-life',
        ),
      ).toEqual({
        id: 'end-of-life',
        status: 'warn',
        message: '1.29.1 support ends 2026-12-31 (in 30 days)',
      });
      expect(
        check(migrationPrechecks(facts({ revision: '1-30-1' })), 'end-of-life')
          ?.message,
      ).toBe('1.30.1 is supported');
      expect(
        check(migrationPrechecks(facts({ releases: [] })), 'end-of-life')
          ?.message,
      ).toBe('1.29.1 is not in the release table');
    });
  });

  it('skip skew and end of life when the target version is unknown', () => {
    const checks = migrationPrechecks(
      facts({
        inventory: inventory({
          controlPlanes: [
            controlPlane('1-29-1', '1.29.1', { version: undefined }),
          ],
        }),
      }),
    );
    expect(check(checks, 'skew')).toBeUndefined();
    expect(check(checks, 'end-of-life')).toBeUndefined();
    expect(check(checks, 'target-exists')?.message).toBe(
      'Control plane 1-29-1 (version unknown) exists',
    );
  });

  it('warn about both injection labels, which the migration resolves', () => {
    const checks = migrationPrechecks(
      facts({
        namespaceObject: {
          metadata: {
            labels: { 'istio-injection': 'enabled', 'istio.io/rev': '1-28-3' },
          },
        },
      }),
    );
    expect(check(checks, 'conflicting-labels')).toEqual({
      id: 'conflicting-labels',
      status: 'warn',
      message:
        'Namespace bookinfo has both istio-injection=enabled and istio.io/rev=1-28-3; istio-injection wins today, and the migration removes it',
    });
  });

  it('fail when a GitOps controller would revert the labels', () => {
    const checks = migrationPrechecks(
      facts({
        namespaceObject: {
          metadata: {
            labels: { 'istio-injection': 'enabled' },
            annotations: {
              'argocd.argoproj.io/tracking-id': 'apps:/Namespace:bookinfo',
            },
          },
        },
      }),
    );
    expect(check(checks, 'gitops-ownership')).toEqual({
      id: 'gitops-ownership',
      status: 'fail',
      message:
        "Namespace bookinfo's labels would be reverted: Argo CD tracks it (apps:/Namespace:bookinfo); change them in Git",
    });
  });

  it('fail when the namespace already asks for the revision and every pod runs it', () => {
    const already = facts({
      namespace: 'mesh',
      namespaceObject: { metadata: { labels: { 'istio.io/rev': '1-29-1' } } },
    });
    expect(check(migrationPrechecks(already), 'nothing-to-do')).toEqual({
      id: 'nothing-to-do',
      status: 'fail',
      message: 'Namespace mesh already asks for 1-29-1 and every pod runs it',
    });
    const lagging = inventory();
    lagging.namespaces[1].podsNeedingRestart = 1;
    expect(
      check(
        migrationPrechecks({ ...already, inventory: lagging }),
        'nothing-to-do',
      )?.status,
    ).toBe('pass');
  });

  it('warn about the paused and OnDelete workloads in scope, which are not counted as done', () => {
    const special = [
      workload('bookinfo', 'productpage-v1', '1-28-3', { paused: true }),
      workload('bookinfo', 'ratings', '1-28-3', {
        kind: 'StatefulSet',
        onDelete: true,
      }),
    ];
    const checks = migrationPrechecks(
      facts({
        inventory: inventory({
          workloads: [workload('bookinfo', 'details-v1', '1-28-3'), ...special],
        }),
      }),
    );
    expect(check(checks, 'workloads-not-restartable')).toEqual({
      id: 'workloads-not-restartable',
      status: 'warn',
      message:
        'Not restarted, not counted as done: Deployment productpage-v1 (paused), StatefulSet ratings (OnDelete)',
    });
    // The entity's restart scope decides which workloads count.
    expect(
      check(
        migrationPrechecks(
          facts({
            inventory: inventory({ workloads: special }),
            workloadsInScope: [],
          }),
        ),
        'workloads-not-restartable',
      )?.status,
    ).toBe('pass');
  });
});

describe('the control plane checks of a target', () => {
  it('resolve a tag to the control plane it points at', () => {
    expect(controlPlaneChecks(inventory(), 'stable')).toEqual([
      {
        id: 'target-exists',
        status: 'pass',
        message: 'Tag stable points at control plane 1-29-1 (1.29.1)',
      },
      {
        id: 'target-ready',
        status: 'pass',
        message: 'istiod-1-29-1 has 1/1 ready replicas',
      },
      {
        id: 'target-injector',
        status: 'pass',
        message: 'Injector webhook of 1-29-1 exists',
      },
    ]);
  });

  it('fail alone when there is no such control plane, directly or through a tag', () => {
    expect(controlPlaneChecks(inventory(), '1-27-0')).toEqual([
      {
        id: 'target-exists',
        status: 'fail',
        message: 'No control plane of revision 1-27-0 in cluster c1',
      },
    ]);
    expect(controlPlaneChecks(inventory(), 'gone')).toEqual([
      {
        id: 'target-exists',
        status: 'fail',
        message: 'Tag gone points at 1-27-0, which has no control plane',
      },
    ]);
  });

  it('fail a control plane with no ready replica, or without its injector', () => {
    const broken = inventory({
      controlPlanes: [
        controlPlane('1-29-1', '1.29.1', {
          ready: false,
          readyReplicas: 0,
          replicas: 2,
          hasInjector: false,
        }),
      ],
    });
    expect(statuses(controlPlaneChecks(broken, '1-29-1'))).toEqual({
      'target-exists': 'pass',
      'target-ready': 'fail',
      'target-injector': 'fail',
    });
    expect(controlPlaneChecks(broken, '1-29-1').map(c => c.message)).toEqual([
      'Control plane 1-29-1 (1.29.1) exists',
      'istiod-1-29-1 has no ready replica (0/2): pods would fail to be created',
      'Revision 1-29-1 has no injector webhook: pods would get no sidecar',
    ]);
  });
});
