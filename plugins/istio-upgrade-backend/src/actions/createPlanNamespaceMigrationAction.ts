import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { IstioUpgradeActionsOptions } from './index';
import { migrationInputShape, migrationRequest } from './migrationInput';
import { planSummarySchema, summarizePlan } from './planSummary';

/** Registers `plan-namespace-migration`. */
export function createPlanNamespaceMigrationAction({
  actionsRegistry,
  catalog,
  inventory,
  requests,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'plan-namespace-migration',
    title: 'Plan a namespace migration (dry run)',
    description: `Dry run of moving a service's namespace to another Istio revision: runs every precheck (target istiod ready with its injector, version skew, end of life, conflicting labels, GitOps ownership, protected namespaces) and returns the exact writes the migration would make (the namespace relabel, then one restart patch per workload in waves), the writes that would undo it, and whether the request would wait for a person's approval and why. Nothing is stored and nothing in the cluster changes.

Use it before request-namespace-migration, to show the person what will happen and whether it can happen. The caller must be allowed to migrate the entity's namespaces (the same permission the request needs). The namespace is found from the entity's workloads in the cluster (see get-sidecar-revisions); name it only when they run in several.

Writes are capped at 20 and waves at 10; the *Omitted counts say how much was left out.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z => z.object(migrationInputShape(z)),
      output: z =>
        planSummarySchema(z).extend({
          entityRef: z.string().describe('The entity, in full form.'),
          cluster: z.string().describe('The cluster.'),
          namespace: z.string().describe('The namespace that would move.'),
          revision: z.string().describe('The target revision.'),
          next: z
            .string()
            .describe('What to do next, and what to tell the person asking.'),
        }),
    },
    examples: [
      {
        title: "Plan moving a service's namespace to 1-30-4",
        input: {
          entityRef: 'component:default/storefront',
          cluster: 'prod-eu',
          revision: '1-30-4',
        },
        output: {
          entityRef: 'component:default/storefront',
          cluster: 'prod-eu',
          namespace: 'shop',
          revision: '1-30-4',
          summary:
            'Move namespace shop from 1-30-1 (istio.io/rev=prod) to 1-30-4: relabel it, then restart 2 workloads (5 pods) in 1 wave of up to 5',
          fromRevision: '1-30-1',
          toRevision: '1-30-4',
          podsInScope: 5,
          prechecksPassed: true,
          prechecks: [
            {
              id: 'target-ready',
              status: 'pass',
              message: 'istiod-1-30-4 is ready (2/2) with its injector',
            },
          ],
          approvalRequired: false,
          approvalReason: 'asked by an owner of component:default/storefront',
          patches: [
            {
              step: 'relabel-namespace',
              kind: 'Namespace',
              name: 'shop',
              patchType: 'merge',
              patch: { metadata: { labels: { 'istio.io/rev': '1-30-4' } } },
            },
            ...['storefront', 'cart'].map(name => ({
              step: 'restart-wave-1',
              kind: 'Deployment',
              namespace: 'shop',
              name,
              patchType: 'strategic-merge' as const,
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
            })),
          ],
          patchesOmitted: 0,
          rollbackPatches: [
            {
              step: 'relabel-namespace',
              kind: 'Namespace',
              name: 'shop',
              patchType: 'merge',
              patch: { metadata: { labels: { 'istio.io/rev': 'prod' } } },
            },
          ],
          rollbackPatchesOmitted: 0,
          waves: [
            {
              index: 1,
              workloads: ['Deployment/storefront (3)', 'Deployment/cart (2)'],
            },
          ],
          wavesOmitted: 0,
          skipped: [],
          next: 'Prechecks pass: ask for it with request-namespace-migration and the same input.',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const body = await migrationRequest(
        { catalog, inventory },
        credentials,
        input,
      );
      const result = await requests.plan(body, credentials);
      const failed = result.prechecks.checks.filter(c => c.status === 'fail');
      return {
        output: {
          entityRef: body.entityRef,
          cluster: body.cluster,
          namespace: body.target.namespace!,
          revision: body.revision,
          ...summarizePlan(result),
          next: result.prechecks.passed
            ? `Prechecks pass: ask for it with request-namespace-migration and the same input${
                result.approvalRequired
                  ? '; the request will wait for a person to approve it'
                  : ''
              }.`
            : `A request would be refused: ${failed
                .map(c => c.message)
                .join('; ')}.`,
        },
      };
    },
  });
}
