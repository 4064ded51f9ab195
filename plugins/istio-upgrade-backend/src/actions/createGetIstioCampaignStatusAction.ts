import { istioInventoryReadPermission } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ACTIVE_CAMPAIGN_STATES } from '../campaigns/CampaignStore';
import { capped } from './capped';
import {
  campaignListItemSchema,
  campaignSummarySchema,
  MAX_ACTIVE_CAMPAIGNS,
  MAX_CAMPAIGN_CLUSTERS,
  MAX_CAMPAIGN_EVENTS,
  summarizeCampaign,
  summarizeCampaignBriefly,
} from './campaignSummary';
import type { IstioUpgradeActionsOptions } from './index';
import { omittedSchema } from './schemaFragments';

/** How many active campaigns are read before the listing is capped. */
const ACTIVE_READ_LIMIT = 500;

/** Registers `get-istio-campaign-status`. */
export function createGetIstioCampaignStatusAction({
  actionsRegistry,
  campaigns,
  appBaseUrl,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'get-istio-campaign-status',
    title: 'Get the status of Istio upgrade campaigns',
    description: `Reads fleet upgrade campaigns of the istio-upgrade plugin (a campaign moves rings of clusters to one Istio version, wave after wave of namespaces, each wave checked by a health gate, then gateway cutovers, tag moves and optionally the old revision's removal).

With an id: that campaign's state (pending-approval, approved, running, paused, aborting, succeeded, failed, aborted, rejected), why it paused, its current ring, per ring its state and per cluster its state, waves done out of all, pods on the target out of pods in scope and the health gate's latest verdict (at most ${MAX_CAMPAIGN_CLUSTERS} clusters listed, those in trouble or at work first, the others counted per state), its ${MAX_CAMPAIGN_EVENTS} most recent events, what the caller may do with it and a link to its page in the portal. Without an id: the active campaigns (pending-approval, approved, running, paused, aborting) in short form, newest first.

Use it to follow a campaign created by request-istio-campaign, or one the person names. Decisions (approve, reject, pause, resume, abort, skip a cluster) are taken by people in the portal.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          id: z
            .string()
            .uuid()
            .optional()
            .describe(
              'The campaign id (a UUID), as request-istio-campaign returns it. Leave it out to list the active campaigns.',
            ),
        }),
      output: z =>
        z.object({
          campaign: campaignSummarySchema(z)
            .optional()
            .describe('The campaign asked for (when an id is given).'),
          campaigns: z
            .array(campaignListItemSchema(z))
            .optional()
            .describe(
              `The active campaigns, newest first (without an id; at most ${MAX_ACTIVE_CAMPAIGNS}).`,
            ),
          campaignsOmitted: omittedSchema(z, 'active campaigns').optional(),
        }),
    },
    examples: [
      { title: 'The active campaigns', input: {} },
      {
        title: 'One campaign',
        input: { id: '5f0c7a52-8d1e-4b6a-9c3f-2e4d6a8b0c11' },
      },
    ],
    action: async ({ input, credentials }) => {
      if (input.id !== undefined) {
        const campaign = await campaigns.get(input.id, credentials);
        return {
          output: { campaign: summarizeCampaign(campaign, appBaseUrl) },
        };
      }
      const active = await campaigns.list(
        { states: ACTIVE_CAMPAIGN_STATES, limit: ACTIVE_READ_LIMIT },
        credentials,
      );
      const listed = capped(active, MAX_ACTIVE_CAMPAIGNS);
      return {
        output: {
          campaigns: listed.items.map(c =>
            summarizeCampaignBriefly(c, appBaseUrl),
          ),
          campaignsOmitted: listed.omitted,
        },
      };
    },
  });
}
