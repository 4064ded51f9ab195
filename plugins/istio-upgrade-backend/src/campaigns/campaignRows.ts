import { CampaignState } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { nowIso, optional } from '../requests/requestRows';
import {
  ACTIVE_CAMPAIGN_STATES,
  CampaignChange,
  NamespaceSchedule,
  NewCampaignEvent,
  StoredCampaign,
  StoredCampaignEvent,
} from './CampaignStore';

/** The tables of the campaign store. */
export const CAMPAIGNS = 'istio_upgrade_campaigns';
export const CAMPAIGN_CLUSTERS = 'istio_upgrade_campaign_clusters';
export const CAMPAIGN_EVENTS = 'istio_upgrade_campaign_events';
export const CAMPAIGN_NAMESPACES = 'istio_upgrade_campaign_namespaces';

/** Whether a campaign in this state holds its clusters. */
export function isActiveCampaignState(state: CampaignState): boolean {
  return ACTIVE_CAMPAIGN_STATES.includes(state);
}

/** A row of the campaigns table, with its clusters in order, as a campaign. */
export function toCampaign(row: any, clusters: string[]): StoredCampaign {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    targetVersion: row.target_version,
    spec: JSON.parse(row.spec),
    plan: JSON.parse(row.plan),
    clusters,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    updatedAt: row.updated_at,
    startedAt: optional(row.started_at),
    finishedAt: optional(row.finished_at),
    decidedBy: optional(row.decided_by),
    decidedAt: optional(row.decided_at),
    decisionComment: optional(row.decision_comment),
    comment: optional(row.comment),
    pausedReason: optional(row.paused_reason),
    error: optional(row.error),
    currentRing:
      row.current_ring === null || row.current_ring === undefined
        ? undefined
        : Number(row.current_ring),
    pauseRequested: Boolean(row.pause_requested),
    skipRequested: JSON.parse(row.skip_requested),
    fencingToken: Number(row.fencing_token),
  };
}

/** A row of the event log as an event. */
export function toCampaignEvent(row: any): StoredCampaignEvent {
  return {
    id: Number(row.id),
    at: row.at,
    type: row.type,
    message: row.message,
    actor: optional(row.actor),
    cluster: optional(row.cluster),
  };
}

/** A row of the namespaces table as a schedule change. */
export function toSchedule(row: any): NamespaceSchedule {
  return {
    campaignId: row.campaign_id,
    cluster: row.cluster,
    namespace: row.namespace,
    notifiedAt: optional(row.notified_at),
    deferredUntil: optional(row.deferred_until),
    deferredBy: optional(row.deferred_by),
    optedInBy: optional(row.opted_in_by),
    optedInAt: optional(row.opted_in_at),
  };
}

/** A row for the event log. */
export function campaignEventRow(
  campaignId: string,
  event: NewCampaignEvent,
  at = nowIso(),
) {
  return {
    campaign_id: campaignId,
    at,
    type: event.type,
    message: event.message,
    actor: event.actor ?? null,
    cluster: event.cluster ?? null,
  };
}

/** The column updates of a change; fields left undefined are left alone, `null` clears. */
export function changeColumns(change: CampaignChange): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (change.plan !== undefined) columns.plan = JSON.stringify(change.plan);
  if (change.currentRing !== undefined)
    columns.current_ring = change.currentRing;
  if (change.startedAt !== undefined) columns.started_at = change.startedAt;
  if (change.finishedAt !== undefined) columns.finished_at = change.finishedAt;
  if (change.decidedBy !== undefined) columns.decided_by = change.decidedBy;
  if (change.decidedAt !== undefined) columns.decided_at = change.decidedAt;
  if (change.decisionComment !== undefined)
    columns.decision_comment = change.decisionComment;
  if (change.pausedReason !== undefined)
    columns.paused_reason = change.pausedReason;
  if (change.error !== undefined) columns.error = change.error;
  if (change.pauseRequested !== undefined)
    columns.pause_requested = change.pauseRequested;
  return columns;
}

/** The clusters of a list, each once, in their first order. */
export function distinctClusters(clusters: string[]): string[] {
  return [...new Set(clusters)];
}
