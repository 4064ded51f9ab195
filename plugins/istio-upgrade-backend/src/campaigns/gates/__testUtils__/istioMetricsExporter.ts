import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** Istio's duration buckets in milliseconds, as its sidecars export them (shortened). */
const BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(',');
}

interface Histogram {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

/** One kind of request between two workloads, as both of Istio's reporters see it. */
export interface TrafficFlow {
  source: { workload: string; namespace: string };
  destination: { workload: string; namespace: string };
}

/**
 * A tiny Prometheus exporter serving Istio-shaped `istio_requests_total` and
 * `istio_request_duration_milliseconds` series (both reporters, Istio's label names) from the requests
 * a test records, on `http://127.0.0.1:<port>/metrics`.
 */
export class IstioMetricsExporter {
  private readonly requests = new Map<
    string,
    { labels: Labels; count: number }
  >();
  private readonly durations = new Map<string, Histogram>();
  private server?: Server;

  /** Records `count` requests of a flow answered `code` after `durationMs`, for both reporters. */
  record(flow: TrafficFlow, code: number, durationMs: number, count: number) {
    for (const reporter of ['source', 'destination']) {
      const labels: Labels = {
        reporter,
        source_workload: flow.source.workload,
        source_workload_namespace: flow.source.namespace,
        destination_workload: flow.destination.workload,
        destination_workload_namespace: flow.destination.namespace,
        destination_service: `${flow.destination.workload}.${flow.destination.namespace}.svc.cluster.local`,
        request_protocol: 'http',
        response_code: String(code),
        response_flags: '-',
        connection_security_policy:
          reporter === 'destination' ? 'mutual_tls' : 'unknown',
      };
      const key = labelText(labels);
      const counter = this.requests.get(key) ?? { labels, count: 0 };
      counter.count += count;
      this.requests.set(key, counter);
      const histogram = this.durations.get(key) ?? {
        labels,
        buckets: BUCKETS.map(() => 0),
        sum: 0,
        count: 0,
      };
      BUCKETS.forEach((le, i) => {
        if (durationMs <= le) histogram.buckets[i] += count;
      });
      histogram.sum += durationMs * count;
      histogram.count += count;
      this.durations.set(key, histogram);
    }
  }

  /** The exposition text of every series recorded so far. */
  metricsText(): string {
    const lines = [
      '# HELP istio_requests_total Total requests.',
      '# TYPE istio_requests_total counter',
    ];
    for (const { labels, count } of this.requests.values()) {
      lines.push(`istio_requests_total{${labelText(labels)}} ${count}`);
    }
    lines.push(
      '# HELP istio_request_duration_milliseconds Request duration.',
      '# TYPE istio_request_duration_milliseconds histogram',
    );
    for (const h of this.durations.values()) {
      const base = labelText(h.labels);
      BUCKETS.forEach((le, i) => {
        lines.push(
          `istio_request_duration_milliseconds_bucket{${base},le="${le}"} ${h.buckets[i]}`,
        );
      });
      lines.push(
        `istio_request_duration_milliseconds_bucket{${base},le="+Inf"} ${h.count}`,
        `istio_request_duration_milliseconds_sum{${base}} ${h.sum}`,
        `istio_request_duration_milliseconds_count{${base}} ${h.count}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  /** Listens on a free 127.0.0.1 port; returns `127.0.0.1:<port>` for a scrape config. */
  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        res.end(this.metricsText());
      } else {
        res.writeHead(404).end();
      }
    });
    this.server = server;
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  }
}
