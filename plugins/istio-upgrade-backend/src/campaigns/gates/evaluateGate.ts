import { InputError } from '@backstage/errors';

/** What a health gate measures of one subject over one window. */
export interface GateFigures {
  /** Requests in the window (rounded; Prometheus extrapolates counters to the window's edges). */
  requests: number;
  /** Share of the requests answered 5xx, 0..1; null without requests. */
  errorRatio: number | null;
  /** 99th percentile of the request duration in milliseconds; null without requests or buckets. */
  p99Ms: number | null;
}

/** How much worse the after window may be than the before window, and how long each window is. */
export interface GateThresholds {
  /** Largest allowed rise of the 5xx ratio, in percentage points. Default 0.5. */
  max5xxIncreasePoints?: number;
  /** Largest allowed rise of p99, in percent of the before figure. Default 20. */
  maxP99IncreasePercent?: number;
  /**
   * Length of each window compared, in seconds. Default 600, as in the campaign API's `HealthGateSpec`.
   * The after window is shortened when less time separates the two window ends, so that it never
   * reaches back before the wave.
   */
  windowSeconds?: number;
}

/** The default gate (issue 14): at most +0.5 points of 5xx and +20 % of p99, over 10-minute windows. */
export const DEFAULT_GATE_THRESHOLDS: Required<GateThresholds> = {
  max5xxIncreasePoints: 0.5,
  maxP99IncreasePercent: 20,
  windowSeconds: 600,
};

/** Fills in the defaults and refuses negative or non-numeric thresholds. */
export function resolveGateThresholds(
  thresholds: GateThresholds = {},
): Required<GateThresholds> {
  const resolved = { ...DEFAULT_GATE_THRESHOLDS };
  for (const key of Object.keys(resolved) as Array<keyof GateThresholds>) {
    const value = thresholds[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InputError(
        `gate threshold ${key} must be a number of at least 0`,
      );
    }
    resolved[key] = value;
  }
  if (resolved.windowSeconds < 1) {
    throw new InputError('gate threshold windowSeconds must be at least 1');
  }
  return resolved;
}

/** The gate's outcome for one subject whose two windows were measured, and why. */
export interface GateEvaluation {
  outcome: 'passed' | 'failed';
  reason: string;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

function milliseconds(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function signed(value: number, digits: number): string {
  if (value === Infinity) return '+∞';
  // A rise that rounds to zero is written +0.00, never -0.00 (a float difference of -1e-17).
  const text = value.toFixed(digits);
  return Number(text) === 0
    ? `+${(0).toFixed(digits)}`
    : `${value > 0 ? '+' : ''}${text}`;
}

function noTrafficReason(
  before: GateFigures,
  after: GateFigures,
): string | undefined {
  if (before.requests === 0 && after.requests === 0) {
    return 'no traffic before or after the wave: nothing to compare, not gated';
  }
  if (before.requests === 0) {
    return `no traffic before the wave (${after.requests} requests after): nothing to compare, not gated`;
  }
  if (after.requests === 0) {
    return `no traffic after the wave (${before.requests} requests before): nothing to compare, not gated`;
  }
  return undefined;
}

/**
 * Compares a subject's figures after a wave with those before it. Fails when the 5xx ratio rises by
 * more than `max5xxIncreasePoints` percentage points or p99 by more than `maxP99IncreasePercent`
 * percent; a subject without traffic in one of the windows passes with a note saying so, as does a
 * p99 that cannot be compared (no duration buckets). The reason gives both figures of each measure.
 */
export function evaluateGate(
  before: GateFigures,
  after: GateFigures,
  thresholds?: GateThresholds,
): GateEvaluation {
  const limits = resolveGateThresholds(thresholds);
  const noTraffic = noTrafficReason(before, after);
  if (noTraffic || before.errorRatio === null || after.errorRatio === null) {
    return {
      outcome: 'passed',
      reason: noTraffic ?? 'no traffic to compare: not gated',
    };
  }

  const failures: string[] = [];
  const passes: string[] = [];

  const errorRise = (after.errorRatio - before.errorRatio) * 100;
  const errors = `5xx ratio ${percent(before.errorRatio)} → ${percent(
    after.errorRatio,
  )} (${signed(errorRise, 2)} points`;
  if (errorRise > limits.max5xxIncreasePoints) {
    failures.push(`${errors}, more than +${limits.max5xxIncreasePoints})`);
  } else {
    passes.push(`${errors}, limit +${limits.max5xxIncreasePoints})`);
  }

  if (before.p99Ms === null || after.p99Ms === null) {
    passes.push(
      'p99 not compared (no request duration buckets in one of the windows)',
    );
  } else {
    let p99Rise = 0;
    if (before.p99Ms > 0) {
      p99Rise = ((after.p99Ms - before.p99Ms) / before.p99Ms) * 100;
    } else if (after.p99Ms > 0) {
      p99Rise = Infinity;
    }
    const p99 = `p99 ${milliseconds(before.p99Ms)} → ${milliseconds(
      after.p99Ms,
    )} (${signed(p99Rise, 1)}%`;
    if (p99Rise > limits.maxP99IncreasePercent) {
      failures.push(`${p99}, more than +${limits.maxP99IncreasePercent}%)`);
    } else {
      passes.push(`${p99}, limit +${limits.maxP99IncreasePercent}%)`);
    }
  }

  return failures.length > 0
    ? { outcome: 'failed', reason: [...failures, ...passes].join('; ') }
    : { outcome: 'passed', reason: passes.join('; ') };
}
