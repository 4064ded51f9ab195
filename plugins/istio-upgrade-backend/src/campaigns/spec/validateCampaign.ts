import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CreateCampaign } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { CampaignSpec } from '../CampaignStore';
import {
  CampaignSettings,
  MAX_CAMPAIGN_PERIOD_SECONDS,
} from '../campaignConfig';
import {
  annotatedWindows,
  validateWindows,
} from '../windows/maintenanceWindows';
import { isClusterEntity, ResolvedRing, resolveRings } from './resolveRings';

/** The most clusters one campaign may take. */
export const MAX_CAMPAIGN_CLUSTERS = 1000;

/** What a campaign is checked against. */
export interface CampaignValidationContext {
  /** The catalog's cluster entities (others are ignored). */
  clusterEntities: readonly Entity[];
}

const count = (n: number) => n.toLocaleString('en-US');

function checkPeriod(field: string, value: number | undefined): void {
  if (value === undefined) return;
  if (
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_CAMPAIGN_PERIOD_SECONDS
  ) {
    throw new InputError(
      `${field}: ${value} is not a whole number of seconds from 0 to ${count(
        MAX_CAMPAIGN_PERIOD_SECONDS,
      )} (30 days)`,
    );
  }
}

function checkRingNames(body: CreateCampaign): void {
  const seen = new Set<string>();
  for (const ring of body.rings) {
    if (seen.has(ring.name)) {
      throw new InputError(`rings: two rings are named "${ring.name}"`);
    }
    seen.add(ring.name);
  }
}

function checkWaves(body: CreateCampaign): void {
  const exclude = new Set(body.waves?.exclude ?? []);
  const both = (body.waves?.order ?? []).find(ns => exclude.has(ns));
  if (both !== undefined) {
    throw new InputError(
      `waves: namespace "${both}" is both in order and in exclude`,
    );
  }
}

function whyEmpty(body: CreateCampaign, index: number): string {
  const ring = body.rings[index];
  const conditions = [
    ring.owner !== undefined ? `owner ${ring.owner}` : undefined,
    Object.keys(ring.labels ?? {}).length ? 'labels' : undefined,
    Object.keys(ring.annotations ?? {}).length ? 'annotations' : undefined,
  ].filter(Boolean);
  if (ring.clusters === undefined && conditions.length === 0) {
    return 'it names no clusters and no owner, labels or annotations to choose them by';
  }
  if (ring.clusters?.length === 0) return 'its list of clusters is empty';
  return `no cluster in the catalog${
    ring.clusters ? ' of those listed' : ''
  } matches its ${conditions.join(', ')}`;
}

function checkRings(body: CreateCampaign, rings: ResolvedRing[]): void {
  const ringOf = new Map<string, string>();
  rings.forEach((ring, index) => {
    if (ring.clusters.length === 0) {
      throw new InputError(
        `rings[${index}] (${ring.name}) is empty: ${whyEmpty(body, index)}`,
      );
    }
    for (const cluster of ring.clusters) {
      const other = ringOf.get(cluster);
      if (other !== undefined) {
        throw new InputError(
          `cluster ${cluster} is in two rings, ${other} and ${ring.name}; a cluster belongs to one ring`,
        );
      }
      ringOf.set(cluster, ring.name);
    }
  });
  if (ringOf.size > MAX_CAMPAIGN_CLUSTERS) {
    throw new InputError(
      `the campaign has ${count(
        ringOf.size,
      )} clusters; one campaign takes at most ${count(MAX_CAMPAIGN_CLUSTERS)}`,
    );
  }
}

/** Refuses keys of `field` that are not `'*'` (when allowed) or a cluster of the campaign. */
function checkClusterKeys(
  field: string,
  keys: string[],
  campaignClusters: ReadonlySet<string>,
  catalogClusters: ReadonlySet<string>,
  allowAny: boolean,
): void {
  for (const key of keys) {
    if (allowAny && key === '*') continue;
    if (!catalogClusters.has(key)) {
      throw new InputError(
        `${field}.${key}: unknown cluster (no Resource of type kubernetes-cluster with that name in the catalog)`,
      );
    }
    if (!campaignClusters.has(key)) {
      throw new InputError(
        `${field}.${key}: cluster ${key} is in none of the campaign's rings`,
      );
    }
  }
}

/**
 * Checks the body of `POST /campaigns` beyond its schema and throws an `InputError` with the reason
 * for the first bad input: more than {@link MAX_CAMPAIGN_CLUSTERS} clusters (counted before the
 * catalog is read when listed by name), two rings of one name, an unknown cluster, an empty ring, a
 * cluster in two rings, a soak time (or notice, or deferral) below zero or above 30 days, a namespace
 * both in `waves.order` and `waves.exclude` (a namespace in `order` that a cluster lacks is fine),
 * windows or revisions for a cluster that is not in the campaign, and malformed or overlapping
 * windows or an unknown time zone, whether in the request or, where the request sets none for a
 * cluster, in the cluster's annotation. Returns the rings with their clusters named.
 */
export function validateCampaign(
  body: CreateCampaign,
  context: CampaignValidationContext,
): ResolvedRing[] {
  const listed = body.rings.reduce(
    (sum, ring) => sum + (ring.clusters?.length ?? 0),
    0,
  );
  if (listed > MAX_CAMPAIGN_CLUSTERS) {
    throw new InputError(
      `the campaign lists ${count(
        listed,
      )} clusters; one campaign takes at most ${count(MAX_CAMPAIGN_CLUSTERS)}`,
    );
  }
  checkRingNames(body);
  checkPeriod('soakSeconds', body.soakSeconds);
  checkPeriod('notifyAheadSeconds', body.notifyAheadSeconds);
  checkPeriod('maxDeferSeconds', body.maxDeferSeconds);
  checkWaves(body);

  const rings = resolveRings(body, context.clusterEntities);
  checkRings(body, rings);

  const entities = context.clusterEntities.filter(isClusterEntity);
  const campaignClusters = new Set(rings.flatMap(ring => ring.clusters));
  const catalogClusters = new Set(entities.map(e => e.metadata.name));
  checkClusterKeys(
    'windows',
    Object.keys(body.windows ?? {}),
    campaignClusters,
    catalogClusters,
    true,
  );
  checkClusterKeys(
    'revisions',
    Object.keys(body.revisions ?? {}),
    campaignClusters,
    catalogClusters,
    false,
  );
  for (const [key, windows] of Object.entries(body.windows ?? {})) {
    validateWindows(windows, `windows.${key}`);
  }
  for (const entity of entities) {
    const name = entity.metadata.name;
    if (!campaignClusters.has(name)) continue;
    // The annotation only counts, and so only has to be readable, where the request sets nothing.
    if (!hasOwn(body.windows, name, '*')) annotatedWindows(entity);
  }
  return rings;
}

function hasOwn(map: object | undefined, ...keys: string[]): boolean {
  return keys.some(
    key => map !== undefined && Object.prototype.hasOwnProperty.call(map, key),
  );
}

/** Namespaces per wave when a campaign sets none. */
export const DEFAULT_NAMESPACES_PER_WAVE = 5;

/**
 * The campaign's spec as stored: the body without `dryRun`, with every default filled in. Waves go
 * by size, {@link DEFAULT_NAMESPACES_PER_WAVE} namespaces at a time (in the given order first when
 * an order is given without a strategy); each cluster cuts its gateways over and moves its tags but
 * keeps its old revisions; the soak time, the gate's thresholds, the owners' notice and the longest
 * deferral come from the settings where the body sets none.
 */
export function normalizeCampaignSpec(
  body: CreateCampaign,
  settings: Pick<
    CampaignSettings,
    | 'defaultSoakSeconds'
    | 'defaultGate'
    | 'notifyAheadSeconds'
    | 'maxDeferSeconds'
  >,
): CampaignSpec {
  const { dryRun: _dryRun, ...spec } = body;
  const order = body.waves?.order ?? [];
  return {
    ...spec,
    waves: {
      ...body.waves,
      strategy:
        body.waves?.strategy ?? (order.length > 0 ? 'explicit' : 'size'),
      namespacesPerWave:
        body.waves?.namespacesPerWave ?? DEFAULT_NAMESPACES_PER_WAVE,
    },
    steps: {
      gatewayCutover: body.steps?.gatewayCutover ?? true,
      tagMove: body.steps?.tagMove ?? true,
      removeOldRevision: body.steps?.removeOldRevision ?? false,
    },
    soakSeconds: body.soakSeconds ?? settings.defaultSoakSeconds,
    gate: { ...settings.defaultGate, ...body.gate },
    notifyAheadSeconds: body.notifyAheadSeconds ?? settings.notifyAheadSeconds,
    maxDeferSeconds: body.maxDeferSeconds ?? settings.maxDeferSeconds,
  };
}
