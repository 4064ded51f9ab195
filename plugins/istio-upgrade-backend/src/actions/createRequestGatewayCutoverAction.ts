import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { IstioUpgradeActionsOptions } from './index';
import { requestSummarySchema, summarizeRequest } from './requestSummary';
import {
  clusterNameSchema,
  idempotencyKeySchema,
  kubernetesNameSchema,
  requestCommentSchema,
  revisionNameSchema,
} from './schemaFragments';

/** Registers `request-gateway-cutover`. */
export function createRequestGatewayCutoverAction({
  actionsRegistry,
  requests,
  appBaseUrl,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'request-gateway-cutover',
    title: 'Request an ingress gateway cutover',
    description: `Asks to cut an ingress LoadBalancer Service over, blue/green, to the gateway Deployment of another Istio revision: its selector is changed only once the target gateway has ready endpoints on every port the Service exposes, the endpoints are watched for a while, and the change is reverted at once if they vanish; the old gateway keeps running. This creates an upgrade request in the istio-upgrade plugin (stored and audited, after every precheck passes), which by default waits for a platform approver.

Use it only when a platform engineer asked for the cutover. Cutovers are asked for by people: the plugin refuses them from services and assistant tokens unless the platform trusts that service, and the caller needs the cutover permission. The Service and its standby colours are listed by get-istio-cluster-inventory (gatewayServices). Follow the request with get-upgrade-request.`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          cluster: clusterNameSchema(z),
          namespace: kubernetesNameSchema(
            z,
            "The LoadBalancer Service's namespace, e.g. istio-gateways.",
          ),
          service: kubernetesNameSchema(
            z,
            'The LoadBalancer Service to cut over, e.g. istio-ingressgateway.',
          ),
          revision: revisionNameSchema(z).describe(
            'The revision whose gateway the Service should select, e.g. 1-30-4 (a standby colour of get-istio-cluster-inventory).',
          ),
          comment: requestCommentSchema(z),
          idempotencyKey: idempotencyKeySchema(z),
        }),
      output: z => requestSummarySchema(z),
    },
    examples: [
      {
        title: 'Cut the ingress over to the 1-30-4 gateway',
        input: {
          cluster: 'prod-eu',
          namespace: 'istio-gateways',
          service: 'istio-ingressgateway',
          revision: '1-30-4',
          comment: 'green gateway warmed up',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const request = await requests.create(
        {
          type: 'gateway-cutover',
          cluster: input.cluster,
          revision: input.revision,
          target: { namespace: input.namespace, service: input.service },
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
