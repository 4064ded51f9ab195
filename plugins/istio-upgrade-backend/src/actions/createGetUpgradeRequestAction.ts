import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { IstioUpgradeActionsOptions } from './index';
import {
  MAX_EVENTS,
  requestSummarySchema,
  summarizeRequest,
} from './requestSummary';

/** Registers `get-upgrade-request`. */
export function createGetUpgradeRequestAction({
  actionsRegistry,
  requests,
  appBaseUrl,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'get-upgrade-request',
    title: 'Get an upgrade request',
    description: `Reads one istio-upgrade request (a namespace migration, gateway cutover or revision-tag move): its state (pending-approval, approved, running, succeeded, failed, rolled-back, rejected, cancelled), who asked and who decided, progress (pods on the target revision out of pods in scope), its steps, its ${MAX_EVENTS} most recent events, the error when it failed, what the caller may do with it, and a link to its page in the portal.

Use it to follow a request created by request-namespace-migration or request-gateway-cutover, or one the person names by id. Decisions (approve, reject, cancel, rollback) are taken by people in the portal.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          id: z
            .string()
            .uuid()
            .describe(
              'The request id (a UUID), as the request actions return it.',
            ),
        }),
      output: z => requestSummarySchema(z),
    },
    examples: [
      {
        title: 'A request waiting for approval',
        input: { id: '0b8f2f8e-4d1c-4a55-9a57-1f5b7d0c2e11' },
      },
    ],
    action: async ({ input, credentials }) => {
      const request = await requests.get(input.id, credentials);
      return { output: summarizeRequest(request, appBaseUrl) };
    },
  });
}
