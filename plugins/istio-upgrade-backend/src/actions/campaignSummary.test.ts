import {
  Campaign,
  CampaignCluster,
  CampaignWave,
  GateResult,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  humanDuration,
  MAX_CAMPAIGN_CLUSTERS,
  summarizeCampaign,
  summarizeCampaignBriefly,
  summarizeCampaignPlan,
} from './campaignSummary';

const gate = (
  outcome: GateResult['outcome'],
  at: string,
  reason = `gate ${outcome}`,
): GateResult => ({ outcome, reason, at, subjects: [] });

const wave = (
  index: number,
  state: CampaignWave['state'],
  extra: Partial<CampaignWave> = {},
): CampaignWave => ({
  index,
  kind: 'namespaces',
  state,
  namespaces: [{ namespace: `ns-${index}`, pods: 2, owners: [] }],
  requests: [],
  requestIds: [],
  ...extra,
});

const cluster = (
  name: string,
  state: CampaignCluster['state'],
  waves: CampaignWave[],
  podsOnTarget: number,
): CampaignCluster => ({
  cluster: name,
  revision: '1-30-4',
  fromRevisions: ['1-29-2'],
  state,
  windows: [],
  gated: true,
  podsInScope: 4,
  podsOnTarget,
  waves,
});

const names = (prefix: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `${prefix}-${String(i).padStart(2, '0')}`,
  );

/**
 * A campaign of 90 clusters in its second ring: the first ring done and gated, one cluster of the
 * second failed its gate after an earlier pass, two at work, the third ring not started.
 */
function bigCampaign(): Campaign {
  const done = names('eu', 30).map(n =>
    cluster(
      n,
      'done',
      [
        wave(0, 'succeeded', { gate: gate('passed', '2026-11-01T10:00:00Z') }),
        wave(1, 'succeeded', { gate: gate('passed', '2026-11-01T11:00:00Z') }),
      ],
      4,
    ),
  );
  const second = names('us', 40).map(n =>
    cluster(n, 'pending', [wave(0, 'pending'), wave(1, 'pending')], 0),
  );
  second[37] = cluster(
    'us-37',
    'failed',
    [
      wave(0, 'succeeded', { gate: gate('passed', '2026-11-02T10:00:00Z') }),
      wave(1, 'rolled-back', {
        gate: gate(
          'failed',
          '2026-11-02T11:00:00Z',
          'ns-1: 5xx rose 2.1 points (0.1 % to 2.2 %)',
        ),
      }),
    ],
    2,
  );
  second[38] = cluster(
    'us-38',
    'running',
    [wave(0, 'succeeded'), wave(1, 'running')],
    2,
  );
  second[39] = cluster(
    'us-39',
    'waiting-window',
    [wave(0, 'pending'), wave(1, 'pending')],
    0,
  );
  const third = names('ap', 20).map(n =>
    cluster(n, 'pending', [wave(0, 'pending')], 0),
  );
  return {
    id: '11111111-2222-4333-8444-555555555555',
    name: 'fleet to 1.30.4',
    state: 'paused',
    targetVersion: '1.30.4',
    requestedBy: 'user:default/alice',
    requestedAt: '2026-10-31T09:00:00Z',
    updatedAt: '2026-11-02T11:00:05Z',
    pausedReason: 'us-37, wave 2: the health gate failed',
    currentRing: 1,
    spec: {
      name: 'fleet to 1.30.4',
      targetVersion: '1.30.4',
      rings: [{ name: 'eu' }, { name: 'us' }, { name: 'ap' }],
    },
    plan: {
      targetVersion: '1.30.4',
      requests: 170,
      estimatedSeconds: 2 * 86400 + 3 * 3600 + 5 * 60,
      warnings: Array.from({ length: 25 }, (_, i) => `warning ${i}`),
      rings: [
        { index: 0, name: 'eu', state: 'succeeded', clusters: done },
        { index: 1, name: 'us', state: 'failed', clusters: second },
        { index: 2, name: 'ap', state: 'pending', clusters: third },
      ],
    },
    // Newest first, as the service gives them.
    events: Array.from({ length: 14 }, (_, i) => ({
      id: 14 - i,
      at: `2026-11-02T10:${String(59 - i).padStart(2, '0')}:00Z`,
      type: 'wave',
      message: `event ${14 - i}`,
    })),
    allowedActions: ['resume', 'abort', 'skip'],
  };
}

describe('summarizeCampaign', () => {
  it('lists at most 50 clusters, those in trouble or at work first, and counts every cluster per state', () => {
    const summary = summarizeCampaign(bigCampaign(), 'http://portal');
    const listed = summary.rings.flatMap(r => r.clusters.map(c => c.cluster));
    expect(listed).toHaveLength(MAX_CAMPAIGN_CLUSTERS);
    expect(summary.clustersOmitted).toBe(90 - MAX_CAMPAIGN_CLUSTERS);
    expect(listed).toEqual(expect.arrayContaining(['us-37', 'us-38', 'us-39']));
    // The current ring comes before the rings done and to come.
    expect(summary.rings[1].clusters).toHaveLength(40);
    expect(summary.rings[0].clusters).toHaveLength(10);
    expect(summary.rings[2].clusters).toHaveLength(0);
    expect(summary.rings.map(r => r.clustersOmitted)).toEqual([20, 0, 20]);
    expect(summary.rings[0].clusterStates).toEqual({ done: 30 });
    expect(summary.rings[1].clusterStates).toEqual({
      pending: 37,
      failed: 1,
      running: 1,
      'waiting-window': 1,
    });
    expect(summary.rings[2]).toMatchObject({
      name: 'ap',
      state: 'pending',
      clusterCount: 20,
      clusterStates: { pending: 20 },
    });
  });

  it("gives each cluster's waves, pods and latest gate verdict, and the campaign's totals", () => {
    const summary = summarizeCampaign(bigCampaign(), 'http://portal');
    const failed = summary.rings[1].clusters.find(c => c.cluster === 'us-37');
    expect(failed).toEqual({
      cluster: 'us-37',
      state: 'failed',
      revision: '1-30-4',
      fromRevisions: ['1-29-2'],
      wavesDone: 1,
      wavesTotal: 2,
      podsOnTarget: 2,
      podsInScope: 4,
      gated: true,
      lastGate: {
        wave: 2,
        outcome: 'failed',
        reason: 'ns-1: 5xx rose 2.1 points (0.1 % to 2.2 %)',
        at: '2026-11-02T11:00:00Z',
      },
    });
    const running = summary.rings[1].clusters.find(c => c.cluster === 'us-38');
    expect(running).not.toHaveProperty('lastGate');
    expect(summary).toMatchObject({
      state: 'paused',
      pausedReason: 'us-37, wave 2: the health gate failed',
      currentRing: 'us',
      progress: {
        clusters: 90,
        clustersDone: 30,
        wavesDone: 60 + 1 + 1,
        wavesTotal: 60 + 80 + 20,
        podsOnTarget: 120 + 2 + 2,
        podsInScope: 360,
      },
      requests: 170,
      estimatedDuration: '2 d 3 h 5 min',
      warningsOmitted: 5,
      allowedActions: ['resume', 'abort', 'skip'],
      link: 'http://portal/istio-upgrade?tab=campaigns&campaign=11111111-2222-4333-8444-555555555555',
    });
    expect(summary.warnings).toHaveLength(20);
    expect(summary.next).toMatch(/paused: us-37/);
  });

  it('keeps the 10 latest events, oldest first', () => {
    const summary = summarizeCampaign(bigCampaign(), 'http://portal');
    expect(summary.events!.map(e => e.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `event ${i + 5}`),
    );
    expect(summary.eventsOmitted).toBe(4);
  });

  it('cuts a long reason short', () => {
    const campaign = bigCampaign();
    campaign.pausedReason = 'x'.repeat(5000);
    const summary = summarizeCampaign(campaign, 'http://portal');
    expect(summary.pausedReason!.length).toBe(500);
    expect(summary.pausedReason!.endsWith('…')).toBe(true);
  });
});

describe('summarizeCampaignBriefly', () => {
  it('gives the state, the current ring and the totals', () => {
    expect(summarizeCampaignBriefly(bigCampaign(), 'http://portal')).toEqual({
      id: '11111111-2222-4333-8444-555555555555',
      name: 'fleet to 1.30.4',
      state: 'paused',
      targetVersion: '1.30.4',
      requestedBy: 'user:default/alice',
      requestedAt: '2026-10-31T09:00:00Z',
      currentRing: 'us',
      rings: 3,
      pausedReason: 'us-37, wave 2: the health gate failed',
      progress: {
        clusters: 90,
        clustersDone: 30,
        wavesDone: 62,
        wavesTotal: 160,
        podsOnTarget: 124,
        podsInScope: 360,
      },
      allowedActions: ['resume', 'abort', 'skip'],
      link: 'http://portal/istio-upgrade?tab=campaigns&campaign=11111111-2222-4333-8444-555555555555',
    });
  });
});

describe('summarizeCampaignPlan', () => {
  it('lists the first 50 clusters in ring order with their counts, and counts the rest', () => {
    const plan = summarizeCampaignPlan(bigCampaign().plan);
    expect(plan).toMatchObject({
      targetVersion: '1.30.4',
      requests: 170,
      clusters: 90,
      podsInScope: 360,
      clustersOmitted: 40,
      warningsOmitted: 5,
    });
    expect(plan.rings.map(r => [r.clusters.length, r.clustersOmitted])).toEqual(
      [
        [30, 0],
        [20, 20],
        [0, 20],
      ],
    );
    expect(plan.rings[0].clusters[0]).toEqual({
      cluster: 'eu-00',
      revision: '1-30-4',
      fromRevisions: ['1-29-2'],
      namespaceWaves: 2,
      namespaces: 2,
      gatewayCutovers: 0,
      tagMoves: 0,
      removals: 0,
      requests: 0,
      podsInScope: 4,
      gated: true,
      windows: 0,
    });
  });
});

describe('humanDuration', () => {
  it('reads seconds as days, hours and minutes', () => {
    expect(humanDuration(42)).toBe('42 s');
    expect(humanDuration(3600)).toBe('1 h');
    expect(humanDuration(86400 + 60)).toBe('1 d 1 min');
  });
});
