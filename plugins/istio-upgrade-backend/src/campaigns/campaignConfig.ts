import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { InputError } from '@backstage/errors';
import { JsonObject, durationToMilliseconds } from '@backstage/types';
import {
  HealthGateSpec,
  MaintenanceWindow,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { validateWindows } from './windows/maintenanceWindows';

const CONFIG_KEY = 'istioUpgrade.campaigns';

/** The longest soak, notice or deferral a campaign may have: 30 days. */
export const MAX_CAMPAIGN_PERIOD_SECONDS = 30 * 24 * 60 * 60;

/** How campaigns are run, from `istioUpgrade.campaigns` (the Prometheus part is read on its own). */
export interface CampaignSettings {
  /** Windows keyed by cluster entity name, `'*'` for every cluster not named. */
  maintenanceWindows: Record<string, MaintenanceWindow[]>;
  /** Soak time between rings when a campaign sets none. */
  defaultSoakSeconds: number;
  /** How often the engine looks at the campaigns it runs. */
  engineIntervalMs: number;
  /**
   * How long a step may hold a campaign's lease before another replica may take the campaign over;
   * unset when not configured (the engine's default, 60 seconds, applies).
   */
  leaseTtlMs?: number;
  /** How long before its wave each owner is told, when a campaign sets nothing. */
  notifyAheadSeconds: number;
  /** The most an owner may defer a namespace, when a campaign sets nothing. */
  maxDeferSeconds: number;
  /** How often an unreachable cluster is requeued before it is marked unreachable. */
  unreachableRetries: number;
  /** The health gate's thresholds when a campaign sets none. */
  defaultGate: Required<HealthGateSpec>;
}

function millis(
  config: Config | undefined,
  key: string,
  fallbackMs: number,
): number {
  if (!config?.has(key)) return fallbackMs;
  const value = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!Number.isFinite(value) || value < 0) {
    throw new InputError(
      `${CONFIG_KEY}.${key}: ${value} ms is not a duration of zero or more`,
    );
  }
  return value;
}

function seconds(
  config: Config | undefined,
  key: string,
  fallbackSeconds: number,
): number {
  return Math.round(millis(config, key, fallbackSeconds * 1000) / 1000);
}

function atMost(key: string, value: number, limit: number): number {
  if (value > limit) {
    throw new InputError(
      `${CONFIG_KEY}.${key}: ${value} seconds is more than the limit of ${limit} (30 days)`,
    );
  }
  return value;
}

function numberBetween(
  config: Config | undefined,
  where: string,
  key: string,
  fallback: number,
  range: { min: number; max: number; integer?: boolean },
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max ||
    (range.integer && !Number.isInteger(value))
  ) {
    throw new InputError(
      `${where}.${key}: ${value} is not a ${
        range.integer ? 'whole number' : 'number'
      } from ${range.min} to ${range.max}`,
    );
  }
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readWindows(
  config: Config | undefined,
): Record<string, MaintenanceWindow[]> {
  // Read as a whole: `'*'` is not a key Config's dotted getters accept.
  const raw = config?.getOptional('maintenanceWindows');
  const result: Record<string, MaintenanceWindow[]> = {};
  if (raw === undefined) return result;
  const key = `${CONFIG_KEY}.maintenanceWindows`;
  if (!isObject(raw)) {
    throw new InputError(
      `${key} must be an object keyed by cluster name or '*'`,
    );
  }
  for (const [cluster, value] of Object.entries(raw)) {
    const where = `${key}[${JSON.stringify(cluster)}]`;
    if (!Array.isArray(value)) {
      throw new InputError(`${where} must be a list of windows`);
    }
    const windows = value.map((entry, index) => {
      if (!isObject(entry)) {
        throw new InputError(`${where}[${index}] must be a window`);
      }
      const window = new ConfigReader(entry, `${where}[${index}]`);
      return {
        days: window.getStringArray('days') as MaintenanceWindow['days'],
        start: window.getString('start'),
        end: window.getString('end'),
        timeZone: window.getString('timeZone'),
      };
    });
    validateWindows(windows, where);
    result[cluster] = windows;
  }
  return result;
}

/**
 * Reads `istioUpgrade.campaigns`: maintenance windows per cluster (checked as a request's are), the
 * default soak (24 hours), the engine's interval (5 seconds), how long ahead owners are told
 * (24 hours), the longest deferral (7 days), the retries of an unreachable cluster (5), the engine's
 * lease (`leaseTtl`, at least 1 second; left unset when not configured) and the default health gate
 * (600 s window, 0.5 points of 5xx, 20 % of p99). Throws an `InputError` naming the key of a value
 * out of range.
 */
export function readCampaignSettings(config: Config): CampaignSettings {
  const c = config.getOptionalConfig(CONFIG_KEY);
  const gate = c?.getOptionalConfig('defaultGate');
  const engineIntervalMs = millis(c, 'engineInterval', 5000);
  if (engineIntervalMs < 100) {
    throw new InputError(
      `${CONFIG_KEY}.engineInterval: ${engineIntervalMs} ms is less than the least of 100 ms`,
    );
  }
  const leaseTtlMs = c?.has('leaseTtl') ? millis(c, 'leaseTtl', 0) : undefined;
  if (leaseTtlMs !== undefined && leaseTtlMs < 1000) {
    throw new InputError(
      `${CONFIG_KEY}.leaseTtl: ${leaseTtlMs} ms is less than the least of 1 second`,
    );
  }
  return {
    maintenanceWindows: readWindows(c),
    ...(leaseTtlMs !== undefined ? { leaseTtlMs } : {}),
    defaultSoakSeconds: atMost(
      'defaultSoak',
      seconds(c, 'defaultSoak', 24 * 60 * 60),
      MAX_CAMPAIGN_PERIOD_SECONDS,
    ),
    engineIntervalMs,
    notifyAheadSeconds: atMost(
      'notifyAhead',
      seconds(c, 'notifyAhead', 24 * 60 * 60),
      MAX_CAMPAIGN_PERIOD_SECONDS,
    ),
    maxDeferSeconds: atMost(
      'maxDefer',
      seconds(c, 'maxDefer', 7 * 24 * 60 * 60),
      MAX_CAMPAIGN_PERIOD_SECONDS,
    ),
    unreachableRetries: numberBetween(c, CONFIG_KEY, 'unreachableRetries', 5, {
      min: 0,
      max: 1000,
      integer: true,
    }),
    defaultGate: {
      windowSeconds: numberBetween(
        gate,
        `${CONFIG_KEY}.defaultGate`,
        'windowSeconds',
        600,
        {
          min: 5,
          max: 86400,
          integer: true,
        },
      ),
      max5xxIncreasePoints: numberBetween(
        gate,
        `${CONFIG_KEY}.defaultGate`,
        'max5xxIncreasePoints',
        0.5,
        {
          min: 0,
          max: 100,
        },
      ),
      maxP99IncreasePercent: numberBetween(
        gate,
        `${CONFIG_KEY}.defaultGate`,
        'maxP99IncreasePercent',
        20,
        {
          min: 0,
          max: 10000,
        },
      ),
    },
  };
}
