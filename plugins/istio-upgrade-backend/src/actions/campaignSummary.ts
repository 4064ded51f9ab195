import {
  Campaign,
  CampaignCluster,
  campaignLink,
  CampaignPlan,
  CampaignRing,
  CampaignState,
  GateResult,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { capped } from './capped';
import {
  omittedSchema,
  Zod,
  ZodAnySchema,
  ZodObjectSchema,
} from './schemaFragments';

/** The clusters a campaign or plan answer lists; the others are counted per ring and state. */
export const MAX_CAMPAIGN_CLUSTERS = 50;

/** The most recent events of a campaign an answer carries. */
export const MAX_CAMPAIGN_EVENTS = 10;

/** The warnings of a campaign's plan an answer carries. */
export const MAX_CAMPAIGN_WARNINGS = 20;

/** The active campaigns a listing carries. */
export const MAX_ACTIVE_CAMPAIGNS = 25;

/** The longest gate reason, pause reason or message an answer carries, in characters. */
const MAX_TEXT = 500;

const CAMPAIGN_STATES: [CampaignState, ...CampaignState[]] = [
  'pending-approval',
  'approved',
  'running',
  'paused',
  'aborting',
  'succeeded',
  'failed',
  'aborted',
  'rejected',
];

const CLUSTER_STATES: [
  CampaignCluster['state'],
  ...CampaignCluster['state'][],
] = [
  'pending',
  'waiting-window',
  'running',
  'done',
  'failed',
  'paused',
  'skipped',
  'unreachable',
  'rolled-back',
];

const RING_STATES: [CampaignRing['state'], ...CampaignRing['state'][]] = [
  'pending',
  'running',
  'soaking',
  'succeeded',
  'failed',
  'aborted',
];

/** Cluster states worth listing before the others: trouble, then work in progress. */
const CLUSTER_RANK: Partial<Record<CampaignCluster['state'], number>> = {
  failed: 0,
  unreachable: 0,
  'rolled-back': 0,
  paused: 0,
  running: 1,
  'waiting-window': 1,
};

/** `{ [key]: value }`, or nothing when the value is undefined (so that answers carry no undefined fields). */
function optional<K extends string, V>(
  key: K,
  value: V | undefined,
): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function shortened(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** A duration in days, hours and minutes, e.g. "1 d 2 h 5 min". */
export function humanDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`]
    .filter(Boolean)
    .join(' ');
}

/**
 * The clusters an answer lists when it cannot list them all: those in trouble first, then those at
 * work, then those of the running ring, then the rest in the campaign's order.
 */
function listedClusters(
  rings: CampaignRing[],
  currentRing: number | undefined,
  max: number,
): Set<string> {
  const all = rings.flatMap((ring, r) =>
    ring.clusters.map((cluster, i) => ({
      name: cluster.cluster,
      rank: CLUSTER_RANK[cluster.state] ?? (r === currentRing ? 2 : 3),
      order: i,
      ring: r,
    })),
  );
  all.sort((a, b) => a.rank - b.rank || a.ring - b.ring || a.order - b.order);
  return new Set(all.slice(0, max).map(c => c.name));
}

function lastGate(cluster: CampaignCluster) {
  let last: { wave: number; gate: GateResult } | undefined;
  for (const wave of cluster.waves) {
    if (wave.gate && (!last || wave.gate.at >= last.gate.at)) {
      last = { wave: wave.index + 1, gate: wave.gate };
    }
  }
  return last
    ? {
        wave: last.wave,
        outcome: last.gate.outcome,
        reason: shortened(last.gate.reason),
        at: last.gate.at,
      }
    : undefined;
}

function clusterProgress(cluster: CampaignCluster) {
  return {
    wavesDone: cluster.waves.filter(w => w.state === 'succeeded').length,
    wavesTotal: cluster.waves.length,
    podsOnTarget: cluster.podsOnTarget ?? 0,
    podsInScope: cluster.podsInScope,
  };
}

function summarizeCluster(cluster: CampaignCluster) {
  const gate = lastGate(cluster);
  return {
    cluster: cluster.cluster,
    state: cluster.state,
    revision: cluster.revision,
    fromRevisions: cluster.fromRevisions,
    ...clusterProgress(cluster),
    gated: cluster.gated,
    ...(cluster.nextWindowAt !== undefined && {
      nextWindowAt: cluster.nextWindowAt,
    }),
    ...(cluster.message !== undefined && {
      message: shortened(cluster.message),
    }),
    ...(gate && { lastGate: gate }),
  };
}

function countStates(clusters: CampaignCluster[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of clusters) counts[c.state] = (counts[c.state] ?? 0) + 1;
  return counts;
}

/** The rings of a campaign or plan with at most {@link MAX_CAMPAIGN_CLUSTERS} clusters listed. */
function summarizeRings(rings: CampaignRing[], currentRing?: number) {
  const listed = listedClusters(rings, currentRing, MAX_CAMPAIGN_CLUSTERS);
  let omitted = 0;
  const summaries = rings.map(ring => {
    const shown = ring.clusters.filter(c => listed.has(c.cluster));
    omitted += ring.clusters.length - shown.length;
    return {
      name: ring.name,
      state: ring.state,
      ...(ring.soakUntil !== undefined && { soakUntil: ring.soakUntil }),
      ...(ring.gate && {
        gate: {
          outcome: ring.gate.outcome,
          reason: shortened(ring.gate.reason),
        },
      }),
      clusterCount: ring.clusters.length,
      clusterStates: countStates(ring.clusters),
      clusters: shown.map(summarizeCluster),
      clustersOmitted: ring.clusters.length - shown.length,
    };
  });
  return { rings: summaries, clustersOmitted: omitted };
}

/** Counts of a whole campaign: clusters, waves and pods. */
function campaignProgress(plan: CampaignPlan) {
  const clusters = plan.rings.flatMap(r => r.clusters);
  const each = clusters.map(clusterProgress);
  const sum = (key: keyof ReturnType<typeof clusterProgress>) =>
    each.reduce((n, c) => n + c[key], 0);
  return {
    clusters: clusters.length,
    clustersDone: clusters.filter(c => c.state === 'done').length,
    wavesDone: sum('wavesDone'),
    wavesTotal: sum('wavesTotal'),
    podsOnTarget: sum('podsOnTarget'),
    podsInScope: sum('podsInScope'),
  };
}

const progressSchema = (z: Zod): ZodAnySchema =>
  z
    .object({
      clusters: z.number().int().describe('Clusters in the campaign.'),
      clustersDone: z
        .number()
        .int()
        .describe('Clusters whose every step is done.'),
      wavesDone: z
        .number()
        .int()
        .describe('Waves that succeeded, over every cluster.'),
      wavesTotal: z
        .number()
        .int()
        .describe('Waves in all, over every cluster.'),
      podsOnTarget: z
        .number()
        .int()
        .describe(
          'Pods of the campaign already on their target revision, as the campaign last counted them.',
        ),
      podsInScope: z.number().int().describe('Pods the campaign moves.'),
    })
    .describe('How far the whole campaign is.');

const clusterStatesSchema = (z: Zod): ZodAnySchema =>
  z
    .record(z.number().int())
    .describe(
      "How many of the ring's clusters are in each state (pending, waiting-window, running, done, failed, paused, skipped, unreachable, rolled-back), listed or not.",
    );

const clusterSchema = (z: Zod): ZodObjectSchema =>
  z.object({
    cluster: z.string().describe('The cluster (its catalog entity name).'),
    state: z
      .enum(CLUSTER_STATES)
      .describe(
        "The cluster's state: waiting-window waits for a maintenance window; unreachable stayed out of reach after its retries.",
      ),
    revision: z.string().describe('The target revision on this cluster.'),
    fromRevisions: z
      .array(z.string())
      .describe('The revisions its namespaces move away from.'),
    wavesDone: z.number().int().describe('Its waves that succeeded.'),
    wavesTotal: z
      .number()
      .int()
      .describe(
        'Its waves: namespace waves, then gateway cutovers, tag moves and revision removal.',
      ),
    podsOnTarget: z
      .number()
      .int()
      .describe('Its pods already on the target revision.'),
    podsInScope: z.number().int().describe('Its pods the campaign moves.'),
    gated: z
      .boolean()
      .describe(
        'Whether a Prometheus gates its waves; ungated waves pass without a health check.',
      ),
    nextWindowAt: z
      .string()
      .optional()
      .describe('When its next maintenance window opens (ISO 8601).'),
    message: z
      .string()
      .optional()
      .describe('What it waits for or what went wrong.'),
    lastGate: z
      .object({
        wave: z.number().int().describe('The wave it judged (from 1).'),
        outcome: z
          .enum(['passed', 'failed', 'unknown'])
          .describe("The health gate's verdict."),
        reason: z
          .string()
          .describe('Why, with the 5xx and p99 figures it compared.'),
        at: z.string().describe('When it judged (ISO 8601).'),
      })
      .optional()
      .describe("The health gate's latest verdict on one of its waves."),
  });

const ringsSchema = (z: Zod, clusters: string): ZodAnySchema =>
  z
    .array(
      z.object({
        name: z.string().describe("The ring's name."),
        state: z
          .enum(RING_STATES)
          .describe(
            "The ring's state: soaking waits out the soak time before the next ring.",
          ),
        soakUntil: z
          .string()
          .optional()
          .describe('When its soak ends (ISO 8601).'),
        gate: z
          .object({
            outcome: z
              .enum(['passed', 'failed', 'unknown'])
              .describe("The health gate's verdict on the ring."),
            reason: z.string().describe('Why.'),
          })
          .optional()
          .describe("The health gate's verdict on the whole ring."),
        clusterCount: z.number().int().describe('Clusters in the ring.'),
        clusterStates: clusterStatesSchema(z),
        clusters: z.array(clusterSchema(z)).describe(clusters),
        clustersOmitted: omittedSchema(z, "of the ring's clusters"),
      }),
    )
    .describe('The rings, in the order they run.');

const eventsSchema = (z: Zod): ZodAnySchema =>
  z
    .array(
      z.object({
        at: z.string().describe('When (ISO 8601).'),
        type: z
          .string()
          .describe(
            'created, approved, rejected, paused, resumed, aborted, ring, cluster, wave, gate, request, window, soak, notified, deferred, error, …',
          ),
        message: z.string().describe('What happened.'),
        cluster: z.string().optional().describe('The cluster it is about.'),
      }),
    )
    .describe(
      `The most recent events, oldest first (at most ${MAX_CAMPAIGN_EVENTS}).`,
    );

const allowedActionsSchema = (z: Zod): ZodAnySchema =>
  z
    .array(z.enum(['approve', 'reject', 'pause', 'resume', 'abort', 'skip']))
    .describe(
      'What the caller may do with it now, in the portal (skip leaves a cluster out).',
    );

/** One campaign as an assistant needs it: where it stands, per ring and cluster, and what comes next. */
export const campaignSummarySchema = (z: Zod): ZodObjectSchema =>
  z.object({
    id: z
      .string()
      .describe(
        'The campaign id, for get-istio-campaign-status and the portal.',
      ),
    name: z.string().describe("The campaign's name."),
    state: z
      .enum(CAMPAIGN_STATES)
      .describe(
        'pending-approval waits for a platform approver; approved, running, paused and aborting are active; the others are final.',
      ),
    targetVersion: z.string().describe('The Istio version it moves to.'),
    requestedBy: z.string().describe('Who asked for it.'),
    requestedAt: z.string().describe('When it was asked (ISO 8601).'),
    updatedAt: z.string().describe('When it last changed (ISO 8601).'),
    startedAt: z.string().optional().describe('When it started (ISO 8601).'),
    finishedAt: z.string().optional().describe('When it ended (ISO 8601).'),
    decidedBy: z.string().optional().describe('Who approved or rejected it.'),
    comment: z.string().optional().describe("The requester's comment."),
    pausedReason: z
      .string()
      .optional()
      .describe(
        'Why it paused: a gate failure with its figures, a failed request, a closed window, or a person.',
      ),
    error: z.string().optional().describe('Why it failed, when it did.'),
    currentRing: z.string().optional().describe('The ring it works on now.'),
    progress: progressSchema(z),
    requests: z
      .number()
      .int()
      .describe('How many requests the campaign makes in all.'),
    estimatedSeconds: z
      .number()
      .int()
      .describe(
        'The estimated duration when planned, soak times and windows included.',
      ),
    estimatedDuration: z
      .string()
      .describe('The same, readable (e.g. "1 d 2 h").'),
    warnings: z
      .array(z.string())
      .describe(`The plan's warnings (at most ${MAX_CAMPAIGN_WARNINGS}).`),
    warningsOmitted: omittedSchema(z, 'warnings'),
    rings: ringsSchema(
      z,
      `Its clusters, at most ${MAX_CAMPAIGN_CLUSTERS} over the whole campaign: those in trouble, at work or in the current ring first.`,
    ),
    clustersOmitted: omittedSchema(z, 'clusters of the whole campaign'),
    events: eventsSchema(z).optional(),
    eventsOmitted: omittedSchema(z, 'older events').optional(),
    allowedActions: allowedActionsSchema(z),
    link: z.string().describe("The campaign's page in the portal."),
    next: z
      .string()
      .describe('What happens next, and what to tell the person asking.'),
  });

/** An active campaign in a listing. */
export const campaignListItemSchema = (z: Zod): ZodObjectSchema =>
  z.object({
    id: z
      .string()
      .describe(
        'The campaign id, for get-istio-campaign-status and the portal.',
      ),
    name: z.string().describe("The campaign's name."),
    state: z
      .enum(CAMPAIGN_STATES)
      .describe(
        'pending-approval waits for a platform approver; approved, running, paused and aborting are on their way.',
      ),
    targetVersion: z.string().describe('The Istio version it moves to.'),
    requestedBy: z.string().describe('Who asked for it.'),
    requestedAt: z.string().describe('When it was asked (ISO 8601).'),
    currentRing: z.string().optional().describe('The ring it works on now.'),
    rings: z.number().int().describe('How many rings it has.'),
    pausedReason: z.string().optional().describe('Why it paused.'),
    progress: progressSchema(z),
    allowedActions: allowedActionsSchema(z),
    link: z.string().describe("The campaign's page in the portal."),
  });

function nextStep(campaign: Campaign, link: string): string {
  switch (campaign.state) {
    case 'pending-approval':
      return `It waits for a platform approver (someone who may manage campaigns, not the requester) to approve it in the portal (${link}); nothing has changed in any cluster yet. Check on it with get-istio-campaign-status.`;
    case 'approved':
    case 'running':
      return 'It is on its way, ring after ring, wave after wave (each wave checked by the health gate where a Prometheus is configured); follow it with get-istio-campaign-status. People pause, abort or skip a cluster in the portal.';
    case 'paused':
      return `It is paused${
        campaign.pausedReason ? `: ${shortened(campaign.pausedReason)}` : ''
      }. People resume or abort it, or skip a cluster, in the portal (${link}).`;
    case 'aborting':
      return 'It is being aborted: the waves in progress finish or roll back, nothing new starts.';
    case 'succeeded':
      return 'It is done: every cluster runs the target version.';
    case 'failed':
      return `It failed${
        campaign.error ? `: ${shortened(campaign.error)}` : ''
      }. The events say what happened.`;
    default:
      return `It ended as ${campaign.state}; nothing more will happen.`;
  }
}

function currentRingName(campaign: Campaign): string | undefined {
  if (campaign.currentRing === undefined) return undefined;
  return campaign.plan.rings[campaign.currentRing]?.name;
}

/**
 * A campaign's compact form, with at most {@link MAX_CAMPAIGN_CLUSTERS} clusters and
 * {@link MAX_CAMPAIGN_EVENTS} recent events (when the campaign carries its events).
 */
export function summarizeCampaign(campaign: Campaign, appBaseUrl: string) {
  const link = campaignLink(appBaseUrl, campaign.id);
  const { plan } = campaign;
  const warnings = capped(plan.warnings, MAX_CAMPAIGN_WARNINGS);
  // The service gives the events newest first.
  const events = campaign.events
    ? capped(campaign.events, MAX_CAMPAIGN_EVENTS)
    : undefined;
  const current = currentRingName(campaign);
  return {
    id: campaign.id,
    name: campaign.name,
    state: campaign.state,
    targetVersion: campaign.targetVersion,
    requestedBy: campaign.requestedBy,
    requestedAt: campaign.requestedAt,
    updatedAt: campaign.updatedAt,
    ...optional('startedAt', campaign.startedAt),
    ...optional('finishedAt', campaign.finishedAt),
    ...optional('decidedBy', campaign.decidedBy),
    ...optional('comment', campaign.comment),
    ...optional(
      'pausedReason',
      campaign.pausedReason && shortened(campaign.pausedReason),
    ),
    ...optional('error', campaign.error && shortened(campaign.error)),
    ...optional('currentRing', current),
    progress: campaignProgress(plan),
    requests: plan.requests,
    estimatedSeconds: plan.estimatedSeconds,
    estimatedDuration: humanDuration(plan.estimatedSeconds),
    warnings: warnings.items,
    warningsOmitted: warnings.omitted,
    ...summarizeRings(plan.rings, campaign.currentRing),
    ...(events && {
      events: [...events.items].reverse().map(e => ({
        at: e.at,
        type: e.type,
        message: shortened(e.message),
        ...optional('cluster', e.cluster),
      })),
      eventsOmitted: events.omitted,
    }),
    allowedActions: campaign.allowedActions,
    link,
    next: nextStep(campaign, link),
  };
}

/** An active campaign's short form, for a listing. */
export function summarizeCampaignBriefly(
  campaign: Campaign,
  appBaseUrl: string,
) {
  const current = currentRingName(campaign);
  return {
    id: campaign.id,
    name: campaign.name,
    state: campaign.state,
    targetVersion: campaign.targetVersion,
    requestedBy: campaign.requestedBy,
    requestedAt: campaign.requestedAt,
    ...(current !== undefined && { currentRing: current }),
    rings: campaign.plan.rings.length,
    ...(campaign.pausedReason && {
      pausedReason: shortened(campaign.pausedReason),
    }),
    progress: campaignProgress(campaign.plan),
    allowedActions: campaign.allowedActions,
    link: campaignLink(appBaseUrl, campaign.id),
  };
}

/** A dry run's plan as an assistant needs it: counts per ring and cluster, warnings and duration. */
export const campaignPlanSummarySchema = (z: Zod): ZodObjectSchema =>
  z.object({
    targetVersion: z.string().describe('The Istio version it moves to.'),
    requests: z
      .number()
      .int()
      .describe(
        'How many requests the campaign would make (namespace migrations, gateway cutovers, tag moves, revision removals).',
      ),
    clusters: z.number().int().describe('Clusters in the campaign.'),
    podsInScope: z.number().int().describe('Pods the campaign would move.'),
    estimatedSeconds: z
      .number()
      .int()
      .describe(
        'The estimated duration, soak times and waiting for windows included.',
      ),
    estimatedDuration: z
      .string()
      .describe('The same, readable (e.g. "1 d 2 h").'),
    warnings: z
      .array(z.string())
      .describe(
        `What the plan warns about (at most ${MAX_CAMPAIGN_WARNINGS}).`,
      ),
    warningsOmitted: omittedSchema(z, 'warnings'),
    rings: z
      .array(
        z.object({
          name: z.string().describe("The ring's name."),
          clusterCount: z.number().int().describe('Clusters in the ring.'),
          clusters: z
            .array(
              z.object({
                cluster: z.string().describe('The cluster.'),
                revision: z
                  .string()
                  .describe('The target revision on this cluster.'),
                fromRevisions: z
                  .array(z.string())
                  .describe('The revisions its namespaces move away from.'),
                namespaceWaves: z
                  .number()
                  .int()
                  .describe('Its waves of namespace migrations.'),
                namespaces: z
                  .number()
                  .int()
                  .describe('Namespaces it migrates.'),
                gatewayCutovers: z
                  .number()
                  .int()
                  .describe('Gateway cutovers after the namespace waves.'),
                tagMoves: z
                  .number()
                  .int()
                  .describe('Revision tags it points at the target.'),
                removals: z
                  .number()
                  .int()
                  .describe('Old revisions it removes at the end.'),
                requests: z
                  .number()
                  .int()
                  .describe('Requests it makes on this cluster.'),
                podsInScope: z
                  .number()
                  .int()
                  .describe('Its pods the campaign moves.'),
                gated: z
                  .boolean()
                  .describe(
                    'Whether a Prometheus gates its waves; without one they pass unchecked.',
                  ),
                windows: z
                  .number()
                  .int()
                  .describe(
                    'Its maintenance windows (0: any time), from the request, the catalog or config.',
                  ),
                nextWindowAt: z
                  .string()
                  .optional()
                  .describe(
                    'When its next window opens, when it is outside one now (ISO 8601).',
                  ),
                estimatedSeconds: z
                  .number()
                  .int()
                  .optional()
                  .describe('Its estimated duration in seconds.'),
              }),
            )
            .describe(
              `Its clusters, at most ${MAX_CAMPAIGN_CLUSTERS} over the whole plan.`,
            ),
          clustersOmitted: omittedSchema(z, "of the ring's clusters"),
        }),
      )
      .describe('The rings, in the order they would run.'),
    clustersOmitted: omittedSchema(z, 'clusters of the whole plan'),
  });

/** A dry run's plan, with at most {@link MAX_CAMPAIGN_CLUSTERS} clusters listed. */
export function summarizeCampaignPlan(plan: CampaignPlan) {
  const warnings = capped(plan.warnings, MAX_CAMPAIGN_WARNINGS);
  const all = plan.rings.flatMap(r => r.clusters);
  let budget = MAX_CAMPAIGN_CLUSTERS;
  const rings = plan.rings.map(ring => {
    const shown = capped(ring.clusters, Math.max(0, budget));
    budget -= shown.items.length;
    return {
      name: ring.name,
      clusterCount: ring.clusters.length,
      clusters: shown.items.map(c => {
        const count = (kind: string) =>
          c.waves
            .filter(w => w.kind === kind)
            .reduce((n, w) => n + w.requests.length, 0);
        const namespaceWaves = c.waves.filter(w => w.kind === 'namespaces');
        return {
          cluster: c.cluster,
          revision: c.revision,
          fromRevisions: c.fromRevisions,
          namespaceWaves: namespaceWaves.length,
          namespaces: namespaceWaves.reduce(
            (n, w) => n + w.namespaces.length,
            0,
          ),
          gatewayCutovers: count('gateways'),
          tagMoves: count('tags'),
          removals: count('removal'),
          requests: c.waves.reduce((n, w) => n + w.requests.length, 0),
          podsInScope: c.podsInScope,
          gated: c.gated,
          windows: c.windows.length,
          ...(c.nextWindowAt !== undefined && {
            nextWindowAt: c.nextWindowAt,
          }),
          ...(c.estimatedSeconds !== undefined && {
            estimatedSeconds: c.estimatedSeconds,
          }),
        };
      }),
      clustersOmitted: shown.omitted,
    };
  });
  return {
    targetVersion: plan.targetVersion,
    requests: plan.requests,
    clusters: all.length,
    podsInScope: all.reduce((n, c) => n + c.podsInScope, 0),
    estimatedSeconds: plan.estimatedSeconds,
    estimatedDuration: humanDuration(plan.estimatedSeconds),
    warnings: warnings.items,
    warningsOmitted: warnings.omitted,
    rings,
    clustersOmitted:
      all.length - MAX_CAMPAIGN_CLUSTERS > 0
        ? all.length - MAX_CAMPAIGN_CLUSTERS
        : 0,
  };
}
