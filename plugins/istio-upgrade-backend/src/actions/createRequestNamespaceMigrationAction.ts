import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { IstioUpgradeActionsOptions } from './index';
import { migrationInputShape, migrationRequest } from './migrationInput';
import { requestSummarySchema, summarizeRequest } from './requestSummary';
import { requestCommentSchema, idempotencyKeySchema } from './schemaFragments';

/** Registers `request-namespace-migration`. */
export function createRequestNamespaceMigrationAction({
  actionsRegistry,
  catalog,
  inventory,
  requests,
  appBaseUrl,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'request-namespace-migration',
    title: 'Request a namespace migration',
    description: `Asks to move a service's namespace to another Istio revision, zero-downtime: the namespace is relabelled and its workloads restarted in waves, each rollout awaited, and rolled back on failure. This creates an upgrade request in the istio-upgrade plugin (stored and audited, after every precheck passes); it runs at once when the caller owns the entity, and otherwise waits for a person's approval. Requests from a service or an assistant token (any non-user caller) always wait for a person's approval, unless the platform trusts that service.

Use it only when the person asked for the migration, preferably after plan-namespace-migration showed them the plan. The caller must be allowed to migrate the entity's namespaces; the namespace must be one where the entity's workloads run. Follow the request with get-upgrade-request. A second request for a namespace that already has an active one is refused (conflict).`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          ...migrationInputShape(z),
          comment: requestCommentSchema(z),
          idempotencyKey: idempotencyKeySchema(z),
        }),
      output: z => requestSummarySchema(z),
    },
    examples: [
      {
        title: "Move a service's namespace to 1-30-4",
        input: {
          entityRef: 'component:default/storefront',
          cluster: 'prod-eu',
          revision: '1-30-4',
          comment: 'Istio 1.29 rollout',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const body = await migrationRequest(
        { catalog, inventory },
        credentials,
        input,
      );
      const request = await requests.create(
        {
          ...body,
          ...(input.comment !== undefined && { comment: input.comment }),
          ...(input.idempotencyKey !== undefined && {
            idempotencyKey: input.idempotencyKey,
          }),
        },
        credentials,
      );
      return { output: summarizeRequest(request, appBaseUrl) };
    },
  });
}
