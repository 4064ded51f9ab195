/**
 * The upper bounds (ms) of Istio's default buckets for `istio_request_duration_milliseconds`,
 * without `+Inf`.
 */
export const istioDurationBuckets = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
  300000, 600000, 1800000, 3600000,
];

/** The median of the baseline latency (ms). */
const medianMs = 8;
/** The log-normal's shape: with the median of 8 ms, p99 is about 41 ms and the mean about 10 ms. */
const sigma = 0.7;

/** The error function, by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly =
    t *
    (0.254829592 +
      t *
        (-0.284496736 +
          t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

/** The share of baseline requests that take at most `ms`. */
function baselineShareWithin(ms: number): number {
  if (ms <= 0) return 0;
  const z = (Math.log(ms) - Math.log(medianMs)) / sigma;
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** The mean of the baseline latency (ms). */
export const baselineMeanMs = medianMs * Math.exp((sigma * sigma) / 2);

/**
 * The share of requests that fall within each of Istio's buckets (cumulative, one per bound of
 * `istioDurationBuckets`) when a proxy adds `addedMs` to the baseline latency.
 */
export function bucketShares(addedMs: number): number[] {
  return istioDurationBuckets.map(le => baselineShareWithin(le - addedMs));
}
