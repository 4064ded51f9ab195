import { InputError } from '@backstage/errors';
import {
  NamespaceMigrationInput,
  planNamespaceMigration,
} from './planNamespaceMigration';
import { restartPatch, RESTART_STAMP_PLACEHOLDER } from './restartPatch';
import {
  clusterInventory,
  namespaceInventory,
  workload,
} from './__testUtils__/inventoryFixtures';

const inventory = clusterInventory({
  namespaces: [
    namespaceInventory('bookinfo', '1-28-3', '1.28.3', {
      injectionMode: 'legacy',
      revisionLabel: undefined,
    }),
    namespaceInventory('nginx', '1-28-3', '1.28.3'),
    namespaceInventory('fresh', '1-28-3', '1.28.3', {
      injectionMode: 'none',
      revisionLabel: undefined,
      desiredRevision: undefined,
    }),
  ],
  workloads: [
    workload('bookinfo', 'reviews-v1', '1-28-3', {
      pods: 2,
      labels: { app: 'reviews', team: 'reviews' },
    }),
    workload('bookinfo', 'details-v1', '1-28-3'),
    workload('bookinfo', 'ratings', '1-28-3', {
      kind: 'StatefulSet',
      onDelete: true,
    }),
    workload('bookinfo', 'productpage-v1', '1-28-3', { paused: true }),
    workload('bookinfo', 'mongodb', '1-28-3', {
      kind: 'StatefulSet',
      podLabels: { app: 'mongodb', team: 'reviews' },
    }),
    // No sidecar: opted out, or scaled to zero. Neither needs a restart.
    workload('bookinfo', 'batch', undefined),
    workload('bookinfo', 'idle', '1-28-3', {
      podsByRevision: [{ revision: '1-28-3', count: 0 }],
    }),
    workload('nginx', 'nginx', '1-28-3'),
  ],
});

const input = (
  extra: Partial<NamespaceMigrationInput> = {},
): NamespaceMigrationInput => ({
  namespace: 'bookinfo',
  revision: '1-29-1',
  waveSize: 2,
  restartScope: 'namespace',
  namespaceLabels: { 'istio-injection': 'enabled' },
  ...extra,
});

const restartSteps = (patches: { step: string; name: string }[]) =>
  patches.slice(1).map(p => `${p.step} ${p.name}`);

describe('the plan of a namespace migration', () => {
  it('relabels the namespace first: istio.io/rev set, istio-injection removed, and rolls back to the labels as they are', () => {
    const plan = planNamespaceMigration(inventory, input());
    expect(plan.patches[0]).toEqual({
      step: 'relabel-namespace',
      kind: 'Namespace',
      name: 'bookinfo',
      patchType: 'merge',
      patch: {
        metadata: {
          labels: { 'istio.io/rev': '1-29-1', 'istio-injection': null },
        },
      },
    });
    expect(plan.rollbackPatches).toEqual([
      {
        step: 'relabel-namespace',
        kind: 'Namespace',
        name: 'bookinfo',
        patchType: 'merge',
        patch: {
          metadata: {
            labels: { 'istio.io/rev': null, 'istio-injection': 'enabled' },
          },
        },
      },
    ]);
  });

  it('leaves istio-injection alone when the namespace does not have it', () => {
    const plan = planNamespaceMigration(
      inventory,
      input({
        namespace: 'nginx',
        namespaceLabels: { 'istio.io/rev': '1-28-3' },
      }),
    );
    expect(plan.patches[0].patch).toEqual({
      metadata: { labels: { 'istio.io/rev': '1-29-1' } },
    });
    expect(plan.rollbackPatches![0].patch).toEqual({
      metadata: { labels: { 'istio.io/rev': '1-28-3' } },
    });
  });

  it('restarts the injected workloads in waves, sorted by kind and name, and skips paused and OnDelete ones', () => {
    const plan = planNamespaceMigration(inventory, input());
    expect(plan.waves).toEqual([
      {
        index: 1,
        workloads: [
          {
            kind: 'Deployment',
            namespace: 'bookinfo',
            name: 'details-v1',
            pods: 1,
          },
          {
            kind: 'Deployment',
            namespace: 'bookinfo',
            name: 'reviews-v1',
            pods: 2,
          },
        ],
      },
      {
        index: 2,
        workloads: [
          {
            kind: 'StatefulSet',
            namespace: 'bookinfo',
            name: 'mongodb',
            pods: 1,
          },
        ],
      },
    ]);
    expect(plan.skipped).toEqual([
      {
        kind: 'Deployment',
        namespace: 'bookinfo',
        name: 'productpage-v1',
        pods: 1,
        note: 'paused: a restart does not roll it out',
      },
      {
        kind: 'StatefulSet',
        namespace: 'bookinfo',
        name: 'ratings',
        pods: 1,
        note: 'OnDelete update strategy: a restart does not replace its pods',
      },
    ]);
    expect(restartSteps(plan.patches)).toEqual([
      'restart-wave-1 details-v1',
      'restart-wave-1 reviews-v1',
      'restart-wave-2 mongodb',
    ]);
    expect(plan.patches[3]).toEqual({
      step: 'restart-wave-2',
      kind: 'StatefulSet',
      namespace: 'bookinfo',
      name: 'mongodb',
      patchType: 'strategic-merge',
      patch: restartPatch(RESTART_STAMP_PLACEHOLDER),
    });
  });

  it('counts the pods it restarts and says where the namespace comes from', () => {
    const plan = planNamespaceMigration(inventory, input());
    expect(plan.podsInScope).toBe(4);
    expect(plan.fromRevision).toBe('1-28-3');
    expect(plan.toRevision).toBe('1-29-1');
    expect(plan.summary).toBe(
      'Move namespace bookinfo from 1-28-3 (istio-injection=enabled) to 1-29-1: relabel it, then restart 3 workloads (4 pods) in 2 waves of up to 2; 2 skipped',
    );
  });

  it("restarts only the entity's workloads, by their labels or their pods' labels, in the entity scope", () => {
    const plan = planNamespaceMigration(
      inventory,
      input({
        restartScope: 'entity',
        entitySelector: 'team=reviews',
        waveSize: 5,
      }),
    );
    expect(restartSteps(plan.patches)).toEqual([
      'restart-wave-1 reviews-v1',
      'restart-wave-1 mongodb',
    ]);
    expect(plan.skipped).toEqual([]);
    expect(plan.summary).toBe(
      'Move namespace bookinfo from 1-28-3 (istio-injection=enabled) to 1-29-1: relabel it, then restart 2 workloads (3 pods) in 1 wave of up to 5',
    );
    // Without a selector the entity scope is the whole namespace.
    expect(
      planNamespaceMigration(inventory, input({ restartScope: 'entity' }))
        .waves,
    ).toHaveLength(2);
  });

  it('names the revision label it replaces, and a namespace without sidecars comes from no revision', () => {
    const nginx = planNamespaceMigration(
      inventory,
      input({ namespace: 'nginx', waveSize: 3, namespaceLabels: {} }),
    );
    expect(nginx.summary).toBe(
      'Move namespace nginx from 1-28-3 (istio.io/rev=1-28-3) to 1-29-1: relabel it, then restart 1 workload (1 pod) in 1 wave of up to 3',
    );
    const fresh = planNamespaceMigration(
      inventory,
      input({ namespace: 'fresh', namespaceLabels: {} }),
    );
    expect(fresh).not.toHaveProperty('fromRevision');
    expect(fresh.patches).toHaveLength(1);
    expect(fresh.summary).toBe(
      'Move namespace fresh from no revision to 1-29-1: relabel it, then restart 0 workloads (0 pods) in 0 waves of up to 2',
    );
  });

  it('refuses a namespace the inventory does not list', () => {
    expect(() =>
      planNamespaceMigration(inventory, input({ namespace: 'gone' })),
    ).toThrow(InputError);
    expect(() =>
      planNamespaceMigration(inventory, input({ namespace: 'gone' })),
    ).toThrow('Namespace gone does not exist in cluster c1');
  });
});
