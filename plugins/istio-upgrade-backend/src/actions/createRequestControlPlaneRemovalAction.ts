import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { IstioUpgradeActionsOptions } from './index';
import { requestSummarySchema, summarizeRequest } from './requestSummary';
import {
  clusterNameSchema,
  idempotencyKeySchema,
  requestCommentSchema,
  revisionNameSchema,
} from './schemaFragments';

/** Registers `request-control-plane-removal`. */
export function createRequestControlPlaneRemovalAction({
  actionsRegistry,
  requests,
  appBaseUrl,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'request-control-plane-removal',
    title: 'Request a control-plane removal',
    description: `Asks to remove an Istio control plane (a revision) that nothing uses any more, at the end of a canary upgrade. On a cluster run by the Sail operator the request deletes the IstioRevision (or lets Sail delete the inactive revision after its grace period); otherwise it deletes exactly the revision's objects, as istioctl uninstall --revision does. This creates an upgrade request in the istio-upgrade plugin (stored and audited, after every precheck passes: the revision is not the default, no tag points at it, no namespace selects it, no pod or gateway runs it, and no active request on the cluster needs it). It always waits for a platform approver, whoever asks.

Use it only when a platform engineer asked for the removal. Removals are asked for by people: the plugin refuses them from services and assistant tokens unless the platform trusts that service, and the caller needs the control-plane permission (the platform team's). get-istio-cluster-inventory says which control planes are safe to remove, and why the others are not. Follow the request with get-upgrade-request.`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          cluster: clusterNameSchema(z),
          revision: revisionNameSchema(z).describe(
            'The revision to remove, e.g. "1-30-1" or "default-v1-30-1" (a control plane of get-istio-cluster-inventory).',
          ),
          comment: requestCommentSchema(z),
          idempotencyKey: idempotencyKeySchema(z),
        }),
      output: z => requestSummarySchema(z),
    },
    examples: [
      {
        title: 'Remove the 1.30.1 revision once nothing uses it',
        input: {
          cluster: 'prod-eu',
          revision: 'default-v1-30-1',
          comment: 'every namespace runs 1.30.4 now',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const request = await requests.create(
        {
          type: 'control-plane-removal',
          cluster: input.cluster,
          revision: input.revision,
          target: {},
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
