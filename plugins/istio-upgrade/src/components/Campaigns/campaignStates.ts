import {
  Campaign,
  CampaignCluster,
  CampaignState,
  CampaignWave,
  GateResult,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** What a person reads for each campaign state. */
export const CAMPAIGN_STATE_LABELS: Record<CampaignState, string> = {
  'pending-approval': 'Waiting for approval',
  approved: 'Approved',
  running: 'Running',
  paused: 'Paused',
  aborting: 'Aborting',
  succeeded: 'Succeeded',
  failed: 'Failed',
  aborted: 'Aborted',
  rejected: 'Rejected',
};

/** The states a campaign ends in; in every other one it may still change by itself or by a decision. */
const FINAL_STATES: ReadonlySet<CampaignState> = new Set([
  'succeeded',
  'failed',
  'aborted',
  'rejected',
]);

/** Whether a campaign can still change, and so is worth reloading. */
export function isActiveCampaign(campaign: Pick<Campaign, 'state'>): boolean {
  return !FINAL_STATES.has(campaign.state);
}

/** What a person reads for each wave state. */
export const WAVE_STATE_LABELS: Record<CampaignWave['state'], string> = {
  pending: 'Pending',
  running: 'Running',
  gating: 'Checking the health gate',
  succeeded: 'Succeeded',
  failed: 'Failed',
  'rolled-back': 'Rolled back',
  skipped: 'Skipped',
};

/** What a person reads for each cluster state within a campaign. */
export const CLUSTER_STATE_LABELS: Record<CampaignCluster['state'], string> = {
  pending: 'Pending',
  'waiting-window': 'Waiting for its window',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  paused: 'Paused',
  skipped: 'Skipped',
  unreachable: 'Unreachable',
  'rolled-back': 'Rolled back',
};

/** What a person reads for each wave kind. */
export const WAVE_KIND_LABELS: Record<CampaignWave['kind'], string> = {
  namespaces: 'Namespaces',
  gateways: 'Gateway cutover',
  tags: 'Tag move',
  removal: 'Old revision removal',
};

/** A gate outcome in words. */
export const GATE_OUTCOME_LABELS: Record<GateResult['outcome'], string> = {
  passed: 'Gate passed',
  failed: 'Gate failed',
  unknown: 'Gate unknown',
};

const DONE_WAVE_STATES: ReadonlySet<CampaignWave['state']> = new Set([
  'succeeded',
  'skipped',
]);

const DONE_CLUSTER_STATES: ReadonlySet<CampaignCluster['state']> = new Set([
  'done',
  'skipped',
]);

/** Whether a wave has nothing left to do. */
export function isWaveDone(wave: CampaignWave): boolean {
  return DONE_WAVE_STATES.has(wave.state);
}

/** Clusters done (or skipped) out of all clusters of the campaign's plan. */
export function clusterProgress(campaign: Pick<Campaign, 'plan'>): {
  done: number;
  total: number;
} {
  const clusters = campaign.plan.rings.flatMap(r => r.clusters);
  return {
    done: clusters.filter(c => DONE_CLUSTER_STATES.has(c.state)).length,
    total: clusters.length,
  };
}

/** A share as a whole percentage from 0 to 100; an empty whole is 0. */
export function percent(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.min(100, Math.round((part / whole) * 100));
}
