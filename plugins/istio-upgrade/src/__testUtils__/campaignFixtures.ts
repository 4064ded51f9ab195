import {
  Campaign,
  CampaignCluster,
  CampaignPlan,
  CampaignWave,
  GateResult,
  ScheduledNamespace,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { people, productpage } from './catalogFixtures';

// A campaign to Istio 1.30.0 over two rings: `staging` (seed) then `prod` (prod-us). On seed,
// bookinfo moves in the first wave and ratings in the second, then the gateway cutover. Rings and
// waves count from 0, as the backend's plan does.

const alice = stringifyEntityRef(people.alice);

/** A health gate that passed: the figures before and after the wave barely moved. */
export function aPassedGate(overrides: Partial<GateResult> = {}): GateResult {
  return {
    outcome: 'passed',
    reason: '5xx ratio +0.01 points, p99 +4 % (limits 0.5 points, 20 %)',
    at: '2026-12-01T10:05:00.000Z',
    subjects: [
      {
        kind: 'namespace',
        namespace: 'bookinfo',
        before: { requests: 1200, errorRatio: 0.001, p99Ms: 50 },
        after: { requests: 1180, errorRatio: 0.0011, p99Ms: 52 },
        outcome: 'passed',
        reason: 'within the limits',
      },
    ],
    ...overrides,
  };
}

/** A health gate that failed: the ratings namespace answers 5xx after its wave. */
export function aFailedGate(overrides: Partial<GateResult> = {}): GateResult {
  return {
    outcome: 'failed',
    reason:
      'namespace ratings: 5xx ratio rose from 0.10 % to 12.40 % (+12.3 points, limit 0.5)',
    at: '2026-12-01T10:12:00.000Z',
    subjects: [
      {
        kind: 'namespace',
        namespace: 'ratings',
        before: { requests: 900, errorRatio: 0.001, p99Ms: 40 },
        after: { requests: 880, errorRatio: 0.124, p99Ms: 95 },
        outcome: 'failed',
        reason: '5xx ratio +12.3 points (limit 0.5)',
      },
    ],
    ...overrides,
  };
}

/** A namespace wave of a cluster. */
export function aWave(overrides: Partial<CampaignWave> = {}): CampaignWave {
  return {
    index: 0,
    kind: 'namespaces',
    state: 'succeeded',
    namespaces: [
      {
        namespace: 'bookinfo',
        pods: 4,
        owners: [stringifyEntityRef(productpage)],
      },
    ],
    requests: [
      {
        type: 'namespace-migration',
        cluster: 'seed',
        revision: '1-30-0',
        target: { namespace: 'bookinfo' },
        summary: 'Move namespace bookinfo from 1-9-7 to 1-30-0',
      },
    ],
    requestIds: ['req-bookinfo'],
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:05:00.000Z',
    gate: aPassedGate(),
    ...overrides,
  };
}

/** The campaign's seed cluster: bookinfo done, ratings and the cluster steps still to come. */
export function aCampaignCluster(
  overrides: Partial<CampaignCluster> = {},
): CampaignCluster {
  return {
    cluster: 'seed',
    revision: '1-30-0',
    fromRevisions: ['1-9-7', '1-10-4'],
    state: 'running',
    windows: [
      {
        days: ['mon', 'tue', 'wed'],
        start: '09:00',
        end: '17:00',
        timeZone: 'UTC',
      },
    ],
    gated: true,
    podsInScope: 7,
    podsOnTarget: 4,
    estimatedSeconds: 900,
    waves: [
      aWave(),
      aWave({
        index: 1,
        state: 'pending',
        namespaces: [
          {
            namespace: 'ratings',
            pods: 3,
            owners: [stringifyEntityRef(people.erin)],
          },
        ],
        requests: [
          {
            type: 'namespace-migration',
            cluster: 'seed',
            revision: '1-30-0',
            target: { namespace: 'ratings' },
            summary: 'Move namespace ratings from 1-9-7 to 1-30-0',
          },
        ],
        requestIds: [],
        startedAt: undefined,
        finishedAt: undefined,
        gate: undefined,
      }),
      aWave({
        index: 2,
        kind: 'gateways',
        state: 'pending',
        namespaces: [],
        requests: [
          {
            type: 'gateway-cutover',
            cluster: 'seed',
            revision: '1-30-0',
            target: { namespace: 'istio-ingress', service: 'ingressgateway' },
            summary: 'Cut Service istio-ingress/ingressgateway over to 1-30-0',
          },
        ],
        requestIds: [],
        startedAt: undefined,
        finishedAt: undefined,
        gate: undefined,
      }),
    ],
    ...overrides,
  };
}

/** The dry run of the campaign: two rings, five requests. */
export function aCampaignPlan(
  overrides: Partial<CampaignPlan> = {},
): CampaignPlan {
  const seed = aCampaignCluster({
    state: 'pending',
    podsOnTarget: 0,
    nextWindowAt: '2026-12-07T09:00:00.000Z',
    waves: aCampaignCluster().waves.map(w => ({
      ...w,
      state: 'pending',
      requestIds: [],
      startedAt: undefined,
      finishedAt: undefined,
      gate: undefined,
    })),
  });
  return {
    targetVersion: '1.30.0',
    rings: [
      { index: 0, name: 'staging', state: 'pending', clusters: [seed] },
      {
        index: 1,
        name: 'prod',
        state: 'pending',
        clusters: [
          aCampaignCluster({
            cluster: 'prod-us',
            state: 'pending',
            fromRevisions: [],
            gated: false,
            windows: [],
            podsInScope: 0,
            podsOnTarget: 0,
            estimatedSeconds: 0,
            waves: [],
          }),
        ],
      },
    ],
    requests: 3,
    estimatedSeconds: 5400,
    warnings: ['prod-us has no Prometheus: its waves are not gated'],
    ...overrides,
  };
}

/** A campaign paused by the failed gate of seed's second wave. */
export function aCampaign(overrides: Partial<Campaign> = {}): Campaign {
  const plan = aCampaignPlan();
  const seed = aCampaignCluster({
    state: 'paused',
    waves: aCampaignCluster().waves.map(w =>
      w.index === 1
        ? {
            ...w,
            state: 'rolled-back',
            requestIds: ['req-ratings'],
            startedAt: '2026-12-01T10:06:00.000Z',
            finishedAt: '2026-12-01T10:12:00.000Z',
            gate: aFailedGate(),
          }
        : w,
    ),
  });
  return {
    id: 'camp-1',
    name: 'Fleet to 1.30',
    state: 'paused',
    targetVersion: '1.30.0',
    requestedBy: alice,
    requestedAt: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T10:12:00.000Z',
    startedAt: '2026-12-01T09:30:00.000Z',
    decidedBy: stringifyEntityRef(people.bob),
    decidedAt: '2026-12-01T09:30:00.000Z',
    pausedReason: aFailedGate().reason,
    currentRing: 0,
    spec: {
      name: 'Fleet to 1.30',
      targetVersion: '1.30.0',
      rings: [
        { name: 'staging', clusters: ['seed'] },
        { name: 'prod', clusters: ['prod-us'] },
      ],
    },
    plan: {
      ...plan,
      rings: [
        { ...plan.rings[0], state: 'running', clusters: [seed] },
        plan.rings[1],
      ],
    },
    events: [
      {
        id: 1,
        at: '2026-12-01T09:00:00.000Z',
        type: 'created',
        message: 'Alice asked for the campaign',
        actor: alice,
      },
      {
        id: 2,
        at: '2026-12-01T10:12:00.000Z',
        type: 'gate',
        message: 'The gate of wave 2 on seed failed; the wave rolled back',
        cluster: 'seed',
      },
    ],
    allowedActions: ['resume', 'abort', 'skip'],
    ...overrides,
  };
}

/** The productpage's namespace bookinfo, scheduled in seed's first wave. */
export function aScheduledNamespace(
  overrides: Partial<ScheduledNamespace> = {},
): ScheduledNamespace {
  return {
    campaignId: 'camp-1',
    campaignName: 'Fleet to 1.30',
    cluster: 'seed',
    namespace: 'bookinfo',
    ring: 'staging',
    wave: 0,
    state: 'pending',
    estimatedStart: '2026-12-07T09:00:00.000Z',
    notifiedAt: '2026-12-06T09:00:00.000Z',
    canDefer: true,
    canOptIn: true,
    maxDeferSeconds: 172800,
    ...overrides,
  };
}
