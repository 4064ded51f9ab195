import {
  bucketShares,
  baselineMeanMs,
  istioDurationBuckets,
} from './latencyModel';
import { TrafficSeries } from './trafficSeries';

/** What one series has counted for one response code: expected requests, so fractions. */
interface CodeCounts {
  count: number;
  sumMs: number;
  /** Cumulative, one per bound of `istioDurationBuckets`. */
  buckets: Float64Array;
}

interface SeriesState {
  head: string;
  policy: string;
  ok: CodeCounts;
  errors: CodeCounts;
  lastSeen: number;
}

/** How long a series no proxy reports any more is still written, frozen (wall-clock ms). */
const keepIdleMs = 10 * 60 * 1000;

const bucketBounds = [...istioDurationBuckets.map(String), '+Inf'];

function escapeLabelValue(text: string): string {
  return text.replace(/[\\"\n]/g, c => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * Three decimals: the model counts expected requests rather than drawing them, so a short window
 * still gives the exact rate, ratio and quantile. Rounding keeps the order, so counters and the
 * cumulative buckets never go down.
 */
function sampleValue(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function codeCounts(): CodeCounts {
  return {
    count: 0,
    sumMs: 0,
    buckets: new Float64Array(istioDurationBuckets.length),
  };
}

/**
 * Istio's standard request metrics of one cluster (`istio_requests_total` and
 * `istio_request_duration_milliseconds`), as Prometheus scrapes them. Each scrape counts the
 * requests of the wall-clock time since the previous one at the rates the proxies have now, so
 * every counter only grows and `rate()` over scrape timestamps gives the configured rates
 * whatever the simulated clock's speed. State is per series (workload, canonical revision,
 * caller), never per request or per pod.
 *
 * @public
 */
export class IstioMetrics {
  private readonly series = new Map<string, SeriesState>();
  private readonly shares = new Map<number, number[]>();
  private last: number;

  constructor(
    private readonly current: () => TrafficSeries[],
    private readonly wallClock: () => number = Date.now,
  ) {
    this.last = wallClock();
  }

  /** Counts the requests since the last scrape and writes every series in the text format 0.0.4. */
  scrape(): string {
    const now = this.wallClock();
    const seconds = Math.max(0, (now - this.last) / 1000);
    this.last = now;
    for (const s of this.current()) {
      const head = s.labels
        .map(([name, text]) => `${name}="${escapeLabelValue(text)}"`)
        .join(',');
      const key = `${head}|${s.connectionSecurityPolicy}`;
      let state = this.series.get(key);
      if (!state) {
        state = {
          head,
          policy: s.connectionSecurityPolicy,
          ok: codeCounts(),
          errors: codeCounts(),
          lastSeen: now,
        };
        this.series.set(key, state);
      }
      state.lastSeen = now;
      for (const c of s.components) {
        const requests = c.requestsPerSecond * seconds;
        this.add(state.ok, requests * (1 - c.errorRate), c.latencyMs);
        this.add(state.errors, requests * c.errorRate, c.latencyMs);
      }
    }
    for (const [key, state] of this.series) {
      if (now - state.lastSeen > keepIdleMs) this.series.delete(key);
    }
    return this.render();
  }

  private add(counts: CodeCounts, requests: number, latencyMs: number) {
    if (requests <= 0) return;
    let shares = this.shares.get(latencyMs);
    if (!shares) {
      shares = bucketShares(latencyMs);
      this.shares.set(latencyMs, shares);
    }
    counts.count += requests;
    counts.sumMs += requests * (baselineMeanMs + latencyMs);
    for (let i = 0; i < shares.length; i++)
      counts.buckets[i] += requests * shares[i];
  }

  private render(): string {
    const requests: string[] = [
      '# HELP istio_requests_total Requests, as the destination (or a gateway, the source) proxy reports them.',
      '# TYPE istio_requests_total counter',
    ];
    const durations: string[] = [
      '# HELP istio_request_duration_milliseconds Request duration, as the reporting proxy measures it.',
      '# TYPE istio_request_duration_milliseconds histogram',
    ];
    for (const state of this.series.values()) {
      for (const [code, counts] of [
        ['200', state.ok],
        ['503', state.errors],
      ] as const) {
        const labels = `${state.head},response_code="${code}",response_flags="-",connection_security_policy="${state.policy}"`;
        const count = sampleValue(counts.count);
        requests.push(`istio_requests_total{${labels}} ${count}`);
        bucketBounds.forEach((le, i) => {
          durations.push(
            `istio_request_duration_milliseconds_bucket{${labels},le="${le}"} ${
              i < counts.buckets.length ? sampleValue(counts.buckets[i]) : count
            }`,
          );
        });
        durations.push(
          `istio_request_duration_milliseconds_sum{${labels}} ${sampleValue(
            counts.sumMs,
          )}`,
          `istio_request_duration_milliseconds_count{${labels}} ${count}`,
        );
      }
    }
    return `${requests.join('\n')}\n${durations.join('\n')}\n`;
  }
}
