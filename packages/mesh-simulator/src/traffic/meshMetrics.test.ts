import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  p99,
  parseExposition,
  Sample,
  sumWhere,
} from '../testing/prometheusText';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';
import { meshWorkloads } from './meshWorkloads';

jest.setTimeout(180000);

const metricsPath = '/sim/v1/clusters/seed/metrics';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function scrape(t: TestSimulator): Promise<Sample[]> {
  const res = await t.request('GET', metricsPath);
  expect(res.status).toBe(200);
  return parseExposition(res.text);
}

/** The samples of `after` minus those of `before` with the same name and labels. */
function increase(before: Sample[], after: Sample[]): Sample[] {
  const key = (s: Sample) => `${s.name}${JSON.stringify(s.labels)}`;
  const old = new Map(before.map(s => [key(s), s.value]));
  return after.map(s => ({ ...s, value: s.value - (old.get(key(s)) ?? 0) }));
}

function errorRatio(samples: Sample[], where: Record<string, string>) {
  return (
    sumWhere(samples, 'istio_requests_total', {
      ...where,
      response_code: '503',
    }) / sumWhere(samples, 'istio_requests_total', where)
  );
}

function p99Where(samples: Sample[], where: Record<string, string>) {
  return p99(
    samples.filter(
      s =>
        s.name === 'istio_request_duration_milliseconds_bucket' &&
        Object.entries(where).every(([k, v]) => s.labels[k] === v),
    ),
  );
}

async function kubectlOk(t: TestSimulator, args: string[]) {
  const result = await t.kubectl(args);
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe('Istio metrics of a simulated cluster', () => {
  let t: TestSimulator;
  beforeAll(async () => {
    t = await startTestSimulator({ speed: 10 });
  });
  afterAll(async () => {
    await t?.stop();
  });
  afterEach(async () => {
    await t.request('DELETE', '/sim/v1/clusters/seed/faults');
  });

  it('serves the text format to the admin token only', async () => {
    const res = await t.request('GET', metricsPath);
    expect(res.headers['content-type']).toBe(
      'text/plain; version=0.0.4; charset=utf-8',
    );
    expect(parseExposition(res.text).length).toBeGreaterThan(0);
    expect(
      (await t.request('GET', metricsPath, undefined, {}, '')).status,
    ).toBe(401);
    const clusterAdmin = t.sim.clusters.find(c => c.name === 'seed')!.tokens
      .admin;
    expect(
      (await t.request('GET', metricsPath, undefined, {}, clusterAdmin)).status,
    ).toBe(403);
    expect(
      (await t.request('GET', '/sim/v1/clusters/nowhere/metrics')).status,
    ).toBe(404);
  });

  it('reports every ready sidecar workload as the destination and the live gateway as the source', async () => {
    const samples = (await scrape(t)).filter(
      s => s.name === 'istio_requests_total',
    );
    const destinations = new Set(
      samples
        .filter(s => s.labels.reporter === 'destination')
        .map(
          s =>
            `${s.labels.destination_workload_namespace}/${s.labels.destination_workload}`,
        ),
    );
    expect([...destinations].sort()).toEqual([
      'bookinfo/details-v1',
      'bookinfo/productpage-v1',
      'bookinfo/ratings-v1',
      'bookinfo/reviews-v1',
      'bookinfo/reviews-v2',
      'bookinfo/reviews-v3',
      'nginx/nginx',
    ]);
    const productpage = samples.find(
      s =>
        s.labels.reporter === 'destination' &&
        s.labels.destination_workload === 'productpage-v1' &&
        s.labels.response_code === '200',
    )!;
    expect(productpage.labels).toEqual({
      reporter: 'destination',
      source_workload: 'istio-ingressgateway-1-9-7',
      source_workload_namespace: 'istio-gateways',
      destination_workload: 'productpage-v1',
      destination_workload_namespace: 'bookinfo',
      destination_service: 'productpage.bookinfo.svc.cluster.local',
      destination_service_name: 'productpage',
      destination_service_namespace: 'bookinfo',
      destination_canonical_service: 'productpage',
      destination_canonical_revision: 'v1',
      request_protocol: 'http',
      response_code: '200',
      response_flags: '-',
      connection_security_policy: 'mutual_tls',
    });
    const sources = samples.filter(s => s.labels.reporter === 'source');
    expect(new Set(sources.map(s => s.labels.source_workload))).toEqual(
      new Set(['istio-ingressgateway-1-9-7']),
    );
    expect(sources[0].labels.destination_workload).toBe('productpage-v1');
    expect(
      samples.some(s => s.labels.destination_workload.startsWith('istiod')),
    ).toBe(false);
  });

  it('counters grow with wall-clock time at 5 requests per second per ready pod', async () => {
    const first = await scrape(t);
    const started = Date.now();
    await sleep(2000);
    const second = await scrape(t);
    const seconds = (Date.now() - started) / 1000;
    const keyed = new Map(
      first.map(s => [`${s.name}${JSON.stringify(s.labels)}`, s.value]),
    );
    for (const s of second) {
      expect(s.value).toBeGreaterThanOrEqual(
        keyed.get(`${s.name}${JSON.stringify(s.labels)}`) ?? 0,
      );
    }
    const nginx = sumWhere(increase(first, second), 'istio_requests_total', {
      destination_workload: 'nginx',
    });
    // One nginx pod; the simulated clock runs ten times faster, the counters do not.
    expect(nginx).toBeGreaterThanOrEqual(Math.floor(5 * seconds) - 2);
    expect(nginx).toBeLessThanOrEqual(Math.ceil(5 * seconds) + 2);
  });

  it('takes, returns and clears a sidecar fault, and answers 400 to a bad one', async () => {
    const faults = '/sim/v1/clusters/seed/faults';
    for (const sidecars of [
      {},
      [{ errorRate: 0.2 }],
      [{ revision: '1-10-4', errorRate: 1.5 }],
      [{ revision: '1-10-4', latencyMs: -1 }],
      [{ revision: '1-10-4' }],
      [
        { revision: '1-10-4', errorRate: 0.1 },
        { revision: '1-10-4', latencyMs: 10 },
      ],
    ]) {
      expect((await t.request('POST', faults, { sidecars })).status).toBe(400);
    }
    const set = await t.request('POST', faults, {
      sidecars: [{ revision: '1-10-4', errorRate: 0.2, latencyMs: 400 }],
    });
    expect(set.status).toBe(200);
    expect((await t.request('GET', faults)).body.sidecars).toEqual([
      { revision: '1-10-4', errorRate: 0.2, latencyMs: 400 },
    ]);
    expect((await t.request('DELETE', faults)).body).toEqual({ rules: [] });
    expect((await t.request('GET', faults)).body.sidecars).toBeUndefined();
  });

  it('pods migrated onto the faulted revision raise their workload 5xx ratio and p99; the others stay', async () => {
    await t.request('POST', '/sim/v1/clusters/seed/faults', {
      sidecars: [{ revision: '1-10-4', errorRate: 0.2, latencyMs: 400 }],
    });
    await kubectlOk(t, [
      'label',
      'ns',
      'nginx',
      'istio.io/rev=1-10-4',
      '--overwrite',
    ]);
    await kubectlOk(t, ['rollout', 'restart', 'deployment', '-n', 'nginx']);
    const store = t.sim.cluster('seed').store;
    await t.eventually(() =>
      meshWorkloads(store).some(
        w =>
          w.name === 'nginx' &&
          w.readyPods > 0 &&
          w.readyByRevision.get('1-10-4') === w.readyPods,
      ),
    );
    const before = await scrape(t);
    await sleep(5000);
    const window = increase(before, await scrape(t));
    const nginx = { reporter: 'destination', destination_workload: 'nginx' };
    expect(errorRatio(window, nginx)).toBeGreaterThan(0.1);
    expect(errorRatio(window, nginx)).toBeLessThan(0.3);
    expect(p99Where(window, nginx)).toBeGreaterThan(400);
    const productpage = {
      reporter: 'destination',
      destination_workload: 'productpage-v1',
    };
    expect(errorRatio(window, productpage)).toBeLessThan(0.05);
    expect(p99Where(window, productpage)).toBeLessThan(50);
    const gateway = {
      reporter: 'source',
      source_workload: 'istio-ingressgateway-1-9-7',
    };
    expect(p99Where(window, gateway)).toBeLessThan(50);
  });

  it('a gateway on the faulted revision reports its own fault and its destination one, as the source', async () => {
    await t.request('POST', '/sim/v1/clusters/seed/faults', {
      sidecars: [{ revision: '1-9-7', errorRate: 0.1, latencyMs: 100 }],
    });
    const before = await scrape(t);
    await sleep(3000);
    const window = increase(before, await scrape(t));
    const gateway = {
      reporter: 'source',
      source_workload: 'istio-ingressgateway-1-9-7',
    };
    // The gateway's proxy and productpage's sidecar both run 1-9-7.
    expect(errorRatio(window, gateway)).toBeCloseTo(1 - 0.999 * 0.9 * 0.9, 2);
    expect(p99Where(window, gateway)).toBeGreaterThan(200);
    expect(p99Where(window, gateway)).toBeLessThan(250);
    const nginx = { reporter: 'destination', destination_workload: 'nginx' };
    expect(errorRatio(window, nginx)).toBeCloseTo(0.001, 3);
  });

  it('the traffic probe fails the faulted share of requests through a faulted hop as sidecar-error', async () => {
    const traffic = async () =>
      (await t.request('GET', '/sim/v1/clusters/seed/traffic')).body;
    await t.request('POST', '/sim/v1/clusters/seed/traffic/reset');
    await t.eventually(async () => (await traffic()).sent >= 100);
    expect((await traffic()).failed).toBe(0);
    await t.request('POST', '/sim/v1/clusters/seed/faults', {
      sidecars: [{ revision: '1-9-7', errorRate: 0.1 }],
    });
    await t.request('POST', '/sim/v1/clusters/seed/traffic/reset');
    const counters = await t.eventually(async () => {
      const c = await traffic();
      return c.sent >= 400 && c;
    });
    expect(Object.keys(counters.failuresByReason)).toEqual(['sidecar-error']);
    // Four hops on 1-9-7 (gateway, productpage, reviews, ratings), each failing one in ten.
    const expected = 1 - 0.9 ** 4;
    expect(counters.failed / counters.sent).toBeGreaterThan(expected - 0.08);
    expect(counters.failed / counters.sent).toBeLessThan(expected + 0.08);
  });

  it('a real Prometheus (when installed) scrapes it and computes the rate and the p99', async () => {
    const prometheus = '/usr/bin/prometheus';
    if (!existsSync(prometheus)) return;
    const dir = mkdtempSync(join(tmpdir(), 'mesh-sim-prometheus-'));
    const port = await freePort();
    const target = new URL(t.sim.url).host;
    writeFileSync(join(dir, 'ca.crt'), t.sim.caPem);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: mesh-sim',
        '    scheme: https',
        `    metrics_path: ${metricsPath}`,
        `    tls_config: { ca_file: ${join(dir, 'ca.crt')} }`,
        `    authorization: { credentials: ${t.sim.adminToken} }`,
        `    static_configs: [ { targets: ['${target}'] } ]`,
        '',
      ].join('\n'),
    );
    const child = spawn(
      prometheus,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
      ],
      { stdio: 'ignore' },
    );
    try {
      const query = async (promql: string) => {
        const res = await fetch(
          `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(
            promql,
          )}`,
        ).catch(() => undefined);
        const body: any = res?.ok ? await res.json() : undefined;
        const value = body?.data?.result?.[0]?.value?.[1];
        return value === undefined ? undefined : Number(value);
      };
      // rate() extrapolates at a series' start; wait for six scrapes within the window.
      await t.eventually(
        async () => ((await query('count_over_time(up[6s])')) ?? 0) >= 6,
        60000,
      );
      const rate = await t.eventually(
        async () =>
          query(
            'sum(rate(istio_requests_total{reporter="destination",destination_workload="productpage-v1"}[5s]))',
          ),
        60000,
      );
      expect(rate).toBeGreaterThan(3);
      expect(rate).toBeLessThan(7);
      const quantile = await query(
        'histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{destination_workload="productpage-v1"}[5s])))',
      );
      expect(quantile).toBeGreaterThan(25);
      expect(quantile).toBeLessThan(50);
    } finally {
      child.kill();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
