import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/** How the inventory engine treats each cluster, from `istioUpgrade.inventory`. */
export interface InventorySettings {
  /** At most this many API-server requests per second per cluster (watches included). */
  maxRequestsPerSecond: number;
  burst: number;
  /** Page size of lists. */
  pageSize: number;
  watchTimeoutSeconds: number;
  /** A cluster whose watches have been down this long is reported stale. */
  staleAfterMs: number;
  /** Inventories are recomputed at most this often per cluster while changes arrive. */
  recomputeDelayMs: number;
}

export function readInventorySettings(config: Config): InventorySettings {
  const c = config.getOptionalConfig('istioUpgrade.inventory');
  const rate = c?.getOptionalNumber('maxRequestsPerSecond') ?? 50;
  return {
    maxRequestsPerSecond: rate,
    burst: c?.getOptionalNumber('burst') ?? Math.max(10, rate),
    pageSize: c?.getOptionalNumber('pageSize') ?? 500,
    watchTimeoutSeconds: c?.getOptionalNumber('watchTimeoutSeconds') ?? 300,
    staleAfterMs: c?.has('staleAfter')
      ? durationToMilliseconds(readDurationFromConfig(c, { key: 'staleAfter' }))
      : 60_000,
    recomputeDelayMs: c?.getOptionalNumber('recomputeDelayMs') ?? 250,
  };
}
