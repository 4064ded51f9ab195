import { IstioMetrics } from './istioMetrics';
import { istioDurationBuckets } from './latencyModel';
import { TrafficSeries } from './trafficSeries';
import {
  p99,
  parseExposition,
  Sample,
  sumWhere,
} from '../testing/prometheusText';

const labels: Array<[string, string]> = [
  ['reporter', 'destination'],
  ['source_workload', 'unknown'],
  ['source_workload_namespace', 'unknown'],
  ['destination_workload', 'web'],
  ['destination_workload_namespace', 'shop'],
  ['destination_service', 'web.shop.svc.cluster.local'],
  ['destination_service_name', 'web'],
  ['destination_service_namespace', 'shop'],
  ['destination_canonical_service', 'web'],
  ['destination_canonical_revision', 'v1'],
  ['request_protocol', 'http'],
];

function series(
  components: TrafficSeries['components'],
  workload = 'web',
): TrafficSeries {
  return {
    labels: labels.map(([k, v]) =>
      k === 'destination_workload' ? [k, workload] : [k, v],
    ),
    connectionSecurityPolicy: 'none',
    components,
  };
}

function metricsAt(current: () => TrafficSeries[]) {
  let wall = 1_000_000;
  const metrics = new IstioMetrics(current, () => wall);
  return {
    metrics,
    advance: (seconds: number) => {
      wall += seconds * 1000;
    },
  };
}

describe('IstioMetrics', () => {
  it('writes the text format: a TYPE line per family, every bucket of Istio, +Inf equal to the count', () => {
    const { metrics, advance } = metricsAt(() => [
      series([{ requestsPerSecond: 10, errorRate: 0.001, latencyMs: 0 }]),
    ]);
    advance(100);
    const text = metrics.scrape();
    const samples = parseExposition(text);
    expect(text).toContain('# TYPE istio_requests_total counter');
    expect(text).toContain(
      '# TYPE istio_request_duration_milliseconds histogram',
    );
    const buckets = samples.filter(
      s =>
        s.name === 'istio_request_duration_milliseconds_bucket' &&
        s.labels.response_code === '200',
    );
    expect(buckets.map(b => b.labels.le)).toEqual([
      ...istioDurationBuckets.map(String),
      '+Inf',
    ]);
    const values = buckets.map(b => b.value);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    const count = samples.find(
      s =>
        s.name === 'istio_request_duration_milliseconds_count' &&
        s.labels.response_code === '200',
    )!;
    expect(values[values.length - 1]).toBe(count.value);
    const total = sumWhere(samples, 'istio_requests_total', {});
    expect(total).toBeCloseTo(1000, 6);
    expect(samples[0].labels).toMatchObject({
      reporter: 'destination',
      destination_workload: 'web',
      request_protocol: 'http',
      response_flags: '-',
      connection_security_policy: 'none',
    });
  });

  it('counts wall-clock time since the previous scrape at the rates of now, and never goes down', () => {
    let rate = 10;
    const { metrics, advance } = metricsAt(() => [
      series([{ requestsPerSecond: rate, errorRate: 0, latencyMs: 0 }]),
    ]);
    const totals: number[] = [];
    for (const [seconds, next] of [
      [10, 10],
      [10, 0],
      [30, 2],
      [5, 2],
    ]) {
      advance(seconds);
      totals.push(
        sumWhere(parseExposition(metrics.scrape()), 'istio_requests_total', {}),
      );
      rate = next;
    }
    expect(totals.map(n => Math.round(n * 1000) / 1000)).toEqual([
      100, 200, 200, 210,
    ]);
  });

  it('a faulted share raises the 503 ratio and the p99 of that series only', () => {
    const { metrics, advance } = metricsAt(() => [
      series(
        [
          { requestsPerSecond: 5, errorRate: 0.001, latencyMs: 0 },
          { requestsPerSecond: 5, errorRate: 0.2, latencyMs: 400 },
        ],
        'bad',
      ),
      series([{ requestsPerSecond: 10, errorRate: 0.001, latencyMs: 0 }]),
    ]);
    advance(1000);
    const samples = parseExposition(metrics.scrape());
    const ratio = (workload: string) =>
      sumWhere(samples, 'istio_requests_total', {
        destination_workload: workload,
        response_code: '503',
      }) /
      sumWhere(samples, 'istio_requests_total', {
        destination_workload: workload,
      });
    expect(ratio('bad')).toBeCloseTo(0.1005, 3);
    expect(ratio('web')).toBeCloseTo(0.001, 3);
    const bucketsOf = (workload: string): Sample[] =>
      samples.filter(
        s =>
          s.name === 'istio_request_duration_milliseconds_bucket' &&
          s.labels.destination_workload === workload,
      );
    expect(p99(bucketsOf('bad'))).toBeGreaterThan(400);
    expect(p99(bucketsOf('web'))).toBeGreaterThan(25);
    expect(p99(bucketsOf('web'))).toBeLessThan(50);
  });

  it('drops a series ten minutes after its proxies stopped reporting', () => {
    let present = true;
    const { metrics, advance } = metricsAt(() =>
      present
        ? [series([{ requestsPerSecond: 1, errorRate: 0, latencyMs: 0 }])]
        : [],
    );
    advance(10);
    metrics.scrape();
    present = false;
    advance(60);
    expect(
      sumWhere(parseExposition(metrics.scrape()), 'istio_requests_total', {}),
    ).toBeCloseTo(10, 6);
    advance(600);
    expect(parseExposition(metrics.scrape())).toEqual([]);
  });
});
