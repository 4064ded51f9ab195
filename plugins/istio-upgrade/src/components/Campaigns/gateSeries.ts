import {
  CampaignWave,
  GateFigures,
  GateResult,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** The gate's figure a chart shows: the 5xx ratio (in percent) or p99 (in milliseconds). */
export type GateMetric = 'errorRatio' | 'p99Ms';

/** One wave's bar pair in a gate chart. */
export interface GatePoint {
  /** The wave, e.g. "Wave 2". */
  label: string;
  before?: number;
  after?: number;
  outcome: GateResult['outcome'];
}

function valueOf(metric: GateMetric, figures?: GateFigures) {
  const value = figures?.[metric];
  if (value === undefined) return undefined;
  return metric === 'errorRatio' ? value * 100 : value;
}

function highest(values: Array<number | undefined>): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? Math.max(...known) : undefined;
}

/**
 * Per gated wave, the figure before and after it. A wave gates several namespaces and gateways; the
 * chart shows the highest figure among them, before and after, since the worst one decides the gate.
 */
export function gateSeries(
  waves: ReadonlyArray<CampaignWave>,
  metric: GateMetric,
): GatePoint[] {
  return waves.flatMap(wave =>
    wave.gate
      ? [
          {
            label: `Wave ${wave.index + 1}`,
            before: highest(
              wave.gate.subjects.map(s => valueOf(metric, s.before)),
            ),
            after: highest(
              wave.gate.subjects.map(s => valueOf(metric, s.after)),
            ),
            outcome: wave.gate.outcome,
          },
        ]
      : [],
  );
}
