import {
  CreateCampaign,
  istioInventoryReadPermission,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  campaignPlanSummarySchema,
  campaignSummarySchema,
  summarizeCampaign,
  summarizeCampaignPlan,
} from './campaignSummary';
import type { IstioUpgradeActionsOptions } from './index';
import {
  istioVersionSchema,
  kubernetesNameSchema,
  requestCommentSchema,
  revisionNameSchema,
} from './schemaFragments';

/** The longest soak, notice or deferral of a campaign: 30 days, as the service allows. */
const MAX_PERIOD_SECONDS = 30 * 24 * 60 * 60;

/** The same object without its undefined properties, or undefined when none is left. */
function defined<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

/** The flat input of the action, as the REST API's `CreateCampaign` body (without `dryRun`). */
export function campaignBody(input: {
  name: string;
  targetVersion: string;
  rings: Array<{
    name: string;
    clusters?: string[];
    owner?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    continueOnUnreachable?: boolean;
  }>;
  revisions?: Record<string, string>;
  namespacesPerWave?: number;
  namespaceOrder?: string[];
  excludeNamespaces?: string[];
  gatewayCutover?: boolean;
  tagMove?: boolean;
  removeOldRevision?: boolean;
  soakSeconds?: number;
  notifyAheadSeconds?: number;
  maxDeferSeconds?: number;
  gateWindowSeconds?: number;
  max5xxIncreasePoints?: number;
  maxP99IncreasePercent?: number;
  comment?: string;
}): CreateCampaign {
  const waves = defined({
    namespacesPerWave: input.namespacesPerWave,
    order: input.namespaceOrder,
    exclude: input.excludeNamespaces,
  });
  const steps = defined({
    gatewayCutover: input.gatewayCutover,
    tagMove: input.tagMove,
    removeOldRevision: input.removeOldRevision,
  });
  const gate = defined({
    windowSeconds: input.gateWindowSeconds,
    max5xxIncreasePoints: input.max5xxIncreasePoints,
    maxP99IncreasePercent: input.maxP99IncreasePercent,
  });
  return {
    name: input.name,
    targetVersion: input.targetVersion,
    rings: input.rings.map(ring => defined(ring)!),
    ...defined({
      revisions: input.revisions,
      waves,
      steps,
      soakSeconds: input.soakSeconds,
      gate,
      notifyAheadSeconds: input.notifyAheadSeconds,
      maxDeferSeconds: input.maxDeferSeconds,
      comment: input.comment,
    }),
  };
}

/** Registers `request-istio-campaign`. */
export function createRequestIstioCampaignAction({
  actionsRegistry,
  campaigns,
  appBaseUrl,
}: IstioUpgradeActionsOptions): void {
  actionsRegistry.register({
    name: 'request-istio-campaign',
    title: 'Request an Istio fleet upgrade campaign',
    description: `Asks for a fleet upgrade campaign in the istio-upgrade plugin: rings of clusters (e.g. staging, then one production region, then the rest) moved one after the other to an Istio version that each cluster already runs a control plane of (install it first with request-control-plane-install). On each cluster the namespaces move in waves, smallest first, each wave checked by a health gate (5xx ratio and p99 before and after, from Prometheus where one is configured) and rolled back when it fails; then the gateways are cut over, the revision tags moved and, if asked, the old revision removed. Waves wait for the clusters' maintenance windows (from the catalog and config) and owners are told ahead of their wave; rings are separated by a soak time.

With dryRun the campaign is only planned: the answer gives the requests it would make, per ring and cluster the waves and counts, the warnings and the estimated duration, and nothing is stored. Without it the campaign is stored, after every check (unknown or doubled clusters, the version on each cluster, the migrations' prechecks, one active campaign per cluster), as pending-approval: nothing is written to a cluster until a platform approver (never the requester) approves it in the portal.

Use it only when a platform engineer asked for the campaign, and show them the dry run first. Campaigns are steered by people: the plugin refuses them from services and assistant tokens unless the platform trusts that service, and the caller needs the permission to manage campaigns. Follow the campaign with get-istio-campaign-status.`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    visibilityPermission: istioInventoryReadPermission,
    schema: {
      input: z =>
        z.object({
          name: z
            .string()
            .min(1)
            .max(100)
            .describe('A name people recognize, e.g. "fleet to 1.30.4".'),
          targetVersion: istioVersionSchema(z).describe(
            'The Istio version the clusters move to, major.minor.patch, e.g. "1.30.4". Each cluster must already run a control plane of it (see get-istio-cluster-inventory).',
          ),
          rings: z
            .array(
              z.object({
                name: z
                  .string()
                  .min(1)
                  .max(63)
                  .describe('The ring\'s name, e.g. "staging" or "prod-eu".'),
                clusters: z
                  .array(z.string().min(1).max(253))
                  .max(1000)
                  .optional()
                  .describe(
                    'The clusters, by catalog entity name or ref, in this order. Leave it out to choose them by owner, labels or annotations.',
                  ),
                owner: z
                  .string()
                  .max(255)
                  .optional()
                  .describe(
                    'The clusters whose catalog owner is this entity (e.g. "group:default/platform", or its name).',
                  ),
                labels: z
                  .record(z.string().max(253))
                  .optional()
                  .describe(
                    'The clusters whose catalog entity has all these labels.',
                  ),
                annotations: z
                  .record(z.string().max(1000))
                  .optional()
                  .describe(
                    'The clusters whose catalog entity has all these annotations.',
                  ),
                continueOnUnreachable: z
                  .boolean()
                  .optional()
                  .describe(
                    "Go on with the ring's other clusters when one stays unreachable (default false: the campaign pauses).",
                  ),
              }),
            )
            .min(1)
            .max(50)
            .describe(
              'The rings, in the order they run; a cluster is in at most one ring, the whole campaign has at most 1,000 clusters.',
            ),
          revisions: z
            .record(revisionNameSchema(z))
            .optional()
            .describe(
              'The target revision per cluster name, only where a cluster runs more than one control plane of the target version.',
            ),
          namespacesPerWave: z
            .number()
            .int()
            .min(1)
            .max(100)
            .optional()
            .describe(
              'How many namespaces move together in one wave (the plugin has a default).',
            ),
          namespaceOrder: z
            .array(kubernetesNameSchema(z, 'A namespace.'))
            .max(1000)
            .optional()
            .describe(
              'Namespaces that move first, in this order; the rest follow by size, smallest first.',
            ),
          excludeNamespaces: z
            .array(kubernetesNameSchema(z, 'A namespace.'))
            .max(1000)
            .optional()
            .describe(
              'Namespaces left out (the protected ones, such as istio-system, always are).',
            ),
          gatewayCutover: z
            .boolean()
            .optional()
            .describe(
              "Cut each cluster's blue/green ingress gateways over to the target after its namespaces (default true).",
            ),
          tagMove: z
            .boolean()
            .optional()
            .describe(
              'Point the revision tags that name an old revision at the target (default true).',
            ),
          removeOldRevision: z
            .boolean()
            .optional()
            .describe(
              'Remove the old revisions once nothing uses them (default false).',
            ),
          soakSeconds: z
            .number()
            .int()
            .min(0)
            .max(MAX_PERIOD_SECONDS)
            .optional()
            .describe(
              'How long to wait after a ring before the next one starts, in seconds (default one day; at most 30 days).',
            ),
          notifyAheadSeconds: z
            .number()
            .int()
            .min(0)
            .max(MAX_PERIOD_SECONDS)
            .optional()
            .describe(
              'How long before its wave each namespace owner is told, in seconds (default one day); a wave starts no earlier.',
            ),
          maxDeferSeconds: z
            .number()
            .int()
            .min(0)
            .max(MAX_PERIOD_SECONDS)
            .optional()
            .describe(
              'The most an owner may defer their namespace, once, in seconds (default 7 days).',
            ),
          gateWindowSeconds: z
            .number()
            .int()
            .min(5)
            .max(86400)
            .optional()
            .describe(
              'The health gate: the window compared before and after each wave, in seconds (default 600).',
            ),
          max5xxIncreasePoints: z
            .number()
            .min(0)
            .max(100)
            .optional()
            .describe(
              'The health gate: the most the 5xx ratio may rise, in percentage points (default 0.5).',
            ),
          maxP99IncreasePercent: z
            .number()
            .min(0)
            .max(10000)
            .optional()
            .describe(
              'The health gate: the most the p99 latency may rise, in percent (default 20).',
            ),
          comment: requestCommentSchema(z),
          dryRun: z
            .boolean()
            .optional()
            .describe(
              'Only plan the campaign and return the plan; nothing is stored (default false).',
            ),
        }),
      output: z =>
        z.object({
          dryRun: z
            .boolean()
            .describe('Whether this was only a plan (nothing stored).'),
          plan: campaignPlanSummarySchema(z)
            .optional()
            .describe('The plan of a dry run.'),
          campaign: campaignSummarySchema(z)
            .optional()
            .describe('The campaign stored, waiting for approval.'),
          next: z
            .string()
            .describe('What happens next, and what to tell the person asking.'),
        }),
    },
    examples: [
      {
        title: 'Plan a campaign over staging, then production',
        input: {
          name: 'fleet to 1.30.4',
          targetVersion: '1.30.4',
          rings: [
            { name: 'staging', clusters: ['staging'] },
            { name: 'production', labels: { env: 'production' } },
          ],
          namespacesPerWave: 5,
          dryRun: true,
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const body = campaignBody(input);
      if (input.dryRun) {
        const plan = await campaigns.plan(body, credentials);
        return {
          output: {
            dryRun: true,
            plan: summarizeCampaignPlan(plan),
            next: 'This is a plan only: nothing is stored and no cluster changes. Show it to the person asking; if they want it, call request-istio-campaign again with the same input without dryRun, and a platform approver then approves it in the portal.',
          },
        };
      }
      const campaign = await campaigns.create(body, credentials);
      const summary = summarizeCampaign(campaign, appBaseUrl);
      return {
        output: {
          dryRun: false,
          campaign: summary,
          next: summary.next,
        },
      };
    },
  });
}
