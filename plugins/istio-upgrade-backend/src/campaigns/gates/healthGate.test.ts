import { ConfigReader } from '@backstage/config';
import { Server, createServer, request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { HealthGate, GateVerdict } from './healthGate';
import { PrometheusClient } from './PrometheusClient';
import { readPrometheusSettings } from './prometheusConfig';
import {
  IstioMetricsExporter,
  TrafficFlow,
} from './__testUtils__/istioMetricsExporter';
import {
  TestPrometheus,
  startPrometheus,
} from './__testUtils__/startPrometheus';

const WINDOW_SECONDS = 6;
const CLUSTER = 'prod-eu';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

// The gateway serves the steady namespace; a load generator calls the namespace that degrades.
const steady: TrafficFlow = {
  source: { workload: 'istio-ingressgateway', namespace: 'istio-ingress' },
  destination: { workload: 'productpage-v1', namespace: 'steady' },
};
const degrading: TrafficFlow = {
  source: { workload: 'loadgen', namespace: 'clients' },
  destination: { workload: 'reviews-v2', namespace: 'degrading' },
};

/**
 * A stand-in for the authenticating proxy that usually fronts a shared Prometheus: it forwards to the
 * real Prometheus only requests with the expected bearer token and tenant header.
 */
async function startAuthProxy(
  upstream: string,
  token: string,
  tenant: string,
): Promise<{ url: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    if (
      req.headers.authorization !== `Bearer ${token}` ||
      req.headers['x-scope-orgid'] !== tenant
    ) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('unauthorized');
      return;
    }
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
      },
      upstreamRes => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('HealthGate against a real Prometheus', () => {
  const exporter = new IstioMetricsExporter();
  let prometheus: TestPrometheus | undefined;
  let proxy: { url: string; server: Server } | undefined;
  let traffic: NodeJS.Timeout | undefined;
  let gate: HealthGate;
  let beforeEnd: Date;
  let afterEnd: Date;
  let verdicts: GateVerdict[];

  beforeAll(async () => {
    // Every 100 ms: 100 requests per flow, 1 % of them 503 and all in 20 ms, until the switch; then
    // the degrading namespace answers 20 % 503 and takes 300 ms.
    let degraded = false;
    const tick = () => {
      exporter.record(steady, 200, 20, 99);
      exporter.record(steady, 503, 20, 1);
      if (degraded) {
        exporter.record(degrading, 200, 300, 80);
        exporter.record(degrading, 503, 300, 20);
      } else {
        exporter.record(degrading, 200, 20, 99);
        exporter.record(degrading, 503, 20, 1);
      }
    };
    tick();
    traffic = setInterval(tick, 100);
    const address = await exporter.listen();
    prometheus = await startPrometheus([
      { job: 'istio-mesh', address, labels: { cluster: CLUSTER } },
    ]);
    proxy = await startAuthProxy(prometheus.url, 'proxy-token-7f3a', 'eu');

    gate = HealthGate.fromConfig(
      new ConfigReader({
        istioUpgrade: {
          campaigns: {
            prometheus: {
              '*': { url: prometheus.url, clusterLabel: 'cluster' },
              'behind-proxy': {
                url: proxy.url,
                token: 'proxy-token-7f3a',
                headers: { 'X-Scope-OrgID': 'eu' },
              },
              'wrong-token': {
                url: proxy.url,
                token: 'not-the-token-91c2',
                headers: { 'X-Scope-OrgID': 'eu' },
              },
              down: {
                url: `http://127.0.0.1:${await closedPort()}`,
                token: 'down-token-55e1',
              },
            },
          },
        },
      }),
    );

    // Wait for the first scrapes, then for a full before window of steady traffic.
    const client = new PrometheusClient({
      cluster: CLUSTER,
      target: readPrometheusSettings(
        new ConfigReader({
          istioUpgrade: {
            campaigns: { prometheus: { '*': { url: prometheus.url } } },
          },
        }),
      ).targets.get('*')!,
    });
    for (let i = 0; i < 100; i++) {
      const up = await client.query('up{job="istio-mesh"}', new Date());
      if (up[0]?.value === 1) break;
      await sleep(200);
    }
    await sleep((WINDOW_SECONDS + 2) * 1000);
    beforeEnd = new Date();
    degraded = true;
    await sleep((WINDOW_SECONDS + 1) * 1000);
    afterEnd = new Date();
    // Let a scrape after afterEnd land.
    await sleep(2000);

    verdicts = await gate.judge(
      CLUSTER,
      [
        { kind: 'namespace', namespace: 'steady' },
        { kind: 'namespace', namespace: 'degrading' },
        {
          kind: 'gateway',
          namespace: 'istio-ingress',
          name: 'istio-ingressgateway',
        },
        { kind: 'namespace', namespace: 'idle' },
      ],
      beforeEnd,
      afterEnd,
      { windowSeconds: WINDOW_SECONDS },
    );
  }, 90_000);

  afterAll(async () => {
    clearInterval(traffic);
    if (proxy) {
      proxy.server.closeAllConnections();
      await new Promise(resolve => proxy!.server.close(resolve));
    }
    await prometheus?.stop();
    await exporter.close();
  }, 30_000);

  it('passes a namespace whose traffic stayed the same, with both figures', () => {
    const verdict = verdicts[0];
    expect(verdict.outcome).toBe('passed');
    expect(verdict.before!.requests).toBeGreaterThan(1000);
    expect(verdict.before!.errorRatio).toBeCloseTo(0.01, 3);
    expect(verdict.after!.errorRatio).toBeCloseTo(0.01, 3);
    // All requests took 20 ms: p99 interpolated in the (10, 25] bucket.
    expect(verdict.before!.p99Ms).toBeCloseTo(24.85, 1);
    expect(verdict.after!.p99Ms).toBeCloseTo(24.85, 1);
    expect(verdict.reason).toMatch(
      /^5xx ratio 1\.00% → 1\.00% \(\+0\.00 points/,
    );
  });

  it('fails the namespace whose 5xx share and latency rose, with the figures', () => {
    const verdict = verdicts[1];
    expect(verdict.outcome).toBe('failed');
    expect(verdict.before!.errorRatio).toBeCloseTo(0.01, 3);
    expect(verdict.after!.errorRatio).toBeCloseTo(0.2, 3);
    expect(verdict.before!.p99Ms).toBeCloseTo(24.85, 1);
    // 300 ms requests: p99 in the (250, 500] bucket.
    expect(verdict.after!.p99Ms).toBeCloseTo(497.5, 1);
    expect(verdict.reason).toContain(
      '5xx ratio 1.00% → 20.00% (+19.00 points, more than +0.5)',
    );
    expect(verdict.reason).toContain(
      'p99 25 ms → 498 ms (+1902.0%, more than +20%)',
    );
  });

  it('judges a gateway by its own (source-reported) requests', () => {
    const verdict = verdicts[2];
    expect(verdict.outcome).toBe('passed');
    expect(verdict.after!.requests).toBeGreaterThan(1000);
    expect(verdict.after!.errorRatio).toBeCloseTo(0.01, 3);
  });

  it('passes a namespace without traffic, saying so', () => {
    expect(verdicts[3]).toEqual({
      subject: { kind: 'namespace', namespace: 'idle' },
      before: { requests: 0, errorRatio: null, p99Ms: null },
      after: { requests: 0, errorRatio: null, p99Ms: null },
      outcome: 'passed',
      reason:
        'no traffic before or after the wave: nothing to compare, not gated',
    });
  });

  it("selects the cluster's series by its label", async () => {
    const [other] = await gate.judge(
      'prod-us',
      [{ kind: 'namespace', namespace: 'degrading' }],
      beforeEnd,
      afterEnd,
      { windowSeconds: WINDOW_SECONDS },
    );
    expect(other.before!.requests).toBe(0);
    expect(other.outcome).toBe('passed');
  });

  it('sends the configured token and headers', async () => {
    const [verdict] = await gate.judge(
      'behind-proxy',
      [{ kind: 'namespace', namespace: 'degrading' }],
      beforeEnd,
      afterEnd,
      { windowSeconds: WINDOW_SECONDS },
    );
    // No clusterLabel on this entry: every cluster's series count, here the one job's.
    expect(verdict.outcome).toBe('failed');
    expect(verdict.after!.errorRatio).toBeCloseTo(0.2, 3);
  });

  it('gives unknown when Prometheus refuses or does not answer, never showing the token', async () => {
    const [refused] = await gate.judge(
      'wrong-token',
      [{ kind: 'namespace', namespace: 'steady' }],
      beforeEnd,
      afterEnd,
    );
    expect(refused.outcome).toBe('unknown');
    expect(refused.reason).toBe(
      `Prometheus at ${
        proxy!.url
      } for cluster "wrong-token" refused the request (HTTP 401): check its token or headers`,
    );

    const [down] = await gate.judge(
      'down',
      [{ kind: 'namespace', namespace: 'steady' }],
      beforeEnd,
      afterEnd,
    );
    expect(down.outcome).toBe('unknown');
    expect(down.before).toBeUndefined();
    expect(down.after).toBeUndefined();
    expect(down.reason).toMatch(
      /for cluster "down" did not answer: .*ECONNREFUSED/,
    );
    expect(JSON.stringify([refused, down])).not.toMatch(/token-/);
  });

  it('reads scalars and reports a query Prometheus rejects', async () => {
    const client = new PrometheusClient({
      cluster: CLUSTER,
      target: { url: prometheus!.url, headers: {}, timeoutMs: 5000 },
    });
    await expect(
      client.query('scalar(vector(2))', new Date()),
    ).resolves.toEqual([{ labels: {}, value: 2 }]);
    await expect(client.query('sum(', new Date())).rejects.toThrow(
      /rejected the query: .*parse error/,
    );
  });
});

describe('startPrometheus (the test helper)', () => {
  it('fails, and says how to install Prometheus, when prometheus is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startPrometheus([])).rejects.toThrow(
        'prometheus is not on PATH: the health-gate tests need a real Prometheus. Install it with ' +
          '`source scripts/prometheus.sh && ensure_prometheus` (scripts/test.sh does so before Jest).',
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
