import { InputError } from '@backstage/errors';
import { Plan } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { planRollback } from './planRollback';
import { restartPatch, RESTART_STAMP_PLACEHOLDER } from './restartPatch';

const restart = (wave: number, name: string) => ({
  step: `restart-wave-${wave}`,
  kind: 'Deployment',
  namespace: 'bookinfo',
  name,
  patchType: 'strategic-merge' as const,
  patch: restartPatch(RESTART_STAMP_PLACEHOLDER),
});

const migration: Plan = {
  summary: 'Move namespace bookinfo from 1-28-3 to 1-29-1: relabel it',
  fromRevision: '1-28-3',
  toRevision: '1-29-1',
  patches: [
    {
      step: 'relabel-namespace',
      kind: 'Namespace',
      name: 'bookinfo',
      patchType: 'merge',
      patch: { metadata: { labels: { 'istio.io/rev': '1-29-1' } } },
    },
    restart(1, 'details-v1'),
    restart(1, 'productpage-v1'),
    restart(2, 'reviews-v1'),
  ],
  rollbackPatches: [
    {
      step: 'relabel-namespace',
      kind: 'Namespace',
      name: 'bookinfo',
      patchType: 'merge',
      patch: { metadata: { labels: { 'istio.io/rev': '1-28-3' } } },
    },
  ],
  waves: [
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
          name: 'reviews-v1',
          pods: 2,
        },
      ],
    },
  ],
  skipped: [],
  podsInScope: 4,
};

describe('the plan that rolls a plan back', () => {
  it('writes the rollback patches first, then restarts the same workloads in the same waves', () => {
    const { revision, plan } = planRollback(migration);
    expect(revision).toBe('1-28-3');
    expect(plan.patches.map(p => `${p.step} ${p.kind}/${p.name}`)).toEqual([
      'relabel-namespace Namespace/bookinfo',
      'restart-wave-1 Deployment/details-v1',
      'restart-wave-1 Deployment/productpage-v1',
      'restart-wave-2 Deployment/reviews-v1',
    ]);
    expect(plan.patches[0].patch).toEqual({
      metadata: { labels: { 'istio.io/rev': '1-28-3' } },
    });
    expect(plan.waves).toEqual(migration.waves);
    expect(plan.podsInScope).toBe(4);
    expect(plan.skipped).toEqual([]);
  });

  it('swaps the revisions, and what the original wrote becomes its own rollback', () => {
    const { plan } = planRollback(migration);
    expect(plan.fromRevision).toBe('1-29-1');
    expect(plan.toRevision).toBe('1-28-3');
    expect(plan.rollbackPatches).toEqual([migration.patches[0]]);
    expect(plan.summary).toBe(
      'Roll back: move namespace bookinfo from 1-28-3 to 1-29-1: relabel it — undone, back to 1-28-3',
    );
  });

  it('copies the rollback patches, so the original plan is left as it was', () => {
    const original = JSON.parse(JSON.stringify(migration));
    const { plan } = planRollback(migration);
    expect(plan.patches[0]).not.toBe(migration.rollbackPatches![0]);
    expect(migration).toEqual(original);
  });

  it("drops the forward writes' preconditions: a Service keeps only its selector, a Gateway only its labels", () => {
    const cutover: Plan = {
      summary: 'Cut istio-gateways/istio-ingressgateway over to 1-29-1',
      fromRevision: '1-28-3',
      toRevision: '1-29-1',
      patches: [
        {
          step: 'switch-selector',
          kind: 'Service',
          namespace: 'istio-gateways',
          name: 'istio-ingressgateway',
          patchType: 'merge',
          patch: {
            metadata: { resourceVersion: '9' },
            spec: { selector: { version: '1-29-1' } },
          },
          precondition: '9',
        },
        {
          step: 'relabel-gateway',
          kind: 'Gateway',
          namespace: 'ingress',
          name: 'web',
          patchType: 'merge',
          patch: {
            metadata: {
              resourceVersion: '12',
              labels: { 'istio.io/rev': '1-29-1' },
            },
          },
          precondition: '12',
        },
      ],
      rollbackPatches: [
        {
          step: 'switch-selector',
          kind: 'Service',
          namespace: 'istio-gateways',
          name: 'istio-ingressgateway',
          patchType: 'merge',
          patch: { spec: { selector: { version: '1-28-3' } } },
        },
      ],
      waves: [],
      podsInScope: 0,
    };
    const { plan } = planRollback(cutover);
    expect(plan.rollbackPatches).toEqual([
      {
        step: 'switch-selector',
        kind: 'Service',
        namespace: 'istio-gateways',
        name: 'istio-ingressgateway',
        patchType: 'merge',
        patch: { spec: { selector: { version: '1-29-1' } } },
        precondition: undefined,
      },
      {
        step: 'relabel-gateway',
        kind: 'Gateway',
        namespace: 'ingress',
        name: 'web',
        patchType: 'merge',
        patch: { metadata: { labels: { 'istio.io/rev': '1-29-1' } } },
        precondition: undefined,
      },
    ]);
    expect(plan.patches).toEqual(cutover.rollbackPatches);
    expect(plan.skipped).toEqual([]);
    expect(plan).not.toHaveProperty('namespaces');
  });

  it("keeps a tag move's namespaces", () => {
    const { plan } = planRollback({
      ...migration,
      namespaces: ['bookinfo', 'nginx'],
    });
    expect(plan.namespaces).toEqual(['bookinfo', 'nginx']);
  });

  it('refuses a plan that records nothing to go back to', () => {
    expect(() =>
      planRollback({ ...migration, fromRevision: undefined }),
    ).toThrow(InputError);
    expect(() => planRollback({ ...migration, rollbackPatches: [] })).toThrow(
      'This request cannot be rolled back: nothing records what it changed from',
    );
  });
});
