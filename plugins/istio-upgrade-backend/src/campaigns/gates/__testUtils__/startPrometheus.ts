import { ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A Prometheus process started for a test. */
export interface TestPrometheus {
  /** Base URL of its HTTP API, `http://127.0.0.1:<port>`. */
  url: string;
  /** Stops the process and removes its data. */
  stop(): Promise<void>;
}

/** One scrape job: a target on the loopback interface, plain HTTP unless `tls` says otherwise. */
export interface TestScrapeTarget {
  job: string;
  /** `127.0.0.1:<port>`. */
  address: string;
  metricsPath?: string;
  /** Static labels added to every series of the job (e.g. `cluster`). */
  labels?: Record<string, string>;
  /** HTTPS with this CA (PEM) and bearer token, as the mesh simulator serves its metrics. */
  tls?: { caPem: string; bearerToken: string };
}

function prometheusOnPath(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'prometheus');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    'prometheus is not on PATH: the health-gate tests need a real Prometheus. Install it with ' +
      '`source scripts/prometheus.sh && ensure_prometheus` (scripts/test.sh does so before Jest).',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, {
      signal: AbortSignal.timeout(1000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts Debian's `prometheus` on a free 127.0.0.1 port with a temporary data directory, scraping
 * `targets` every second, and waits for `/-/ready`. Fails (never skips) when `prometheus` is not on
 * PATH.
 */
export async function startPrometheus(
  targets: TestScrapeTarget[],
): Promise<TestPrometheus> {
  const binary = prometheusOnPath();
  const dir = mkdtempSync(join(tmpdir(), 'istio-upgrade-prometheus-'));
  const tlsOf = (target: TestScrapeTarget, index: number) => {
    if (!target.tls) return {};
    const ca = join(dir, `ca-${index}.pem`);
    const token = join(dir, `token-${index}`);
    writeFileSync(ca, target.tls.caPem);
    writeFileSync(token, target.tls.bearerToken, { mode: 0o600 });
    return {
      scheme: 'https',
      tls_config: { ca_file: ca },
      authorization: { type: 'Bearer', credentials_file: token },
    };
  };
  // JSON is YAML: Prometheus reads this config as written.
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: targets.map((target, index) => ({
        job_name: target.job,
        metrics_path: target.metricsPath ?? '/metrics',
        ...tlsOf(target, index),
        static_configs: [
          { targets: [target.address], labels: target.labels ?? {} },
        ],
      })),
    }),
  );

  let lastLog = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr?.on('data', chunk => {
      log = (log + chunk.toString()).slice(-4000);
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await ready(url)) {
        return {
          url,
          async stop() {
            if (child.exitCode === null) {
              child.kill('SIGTERM');
              const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
              await exited(child);
              clearTimeout(timer);
            }
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    child.kill('SIGKILL');
    await exited(child);
    lastLog = log;
    // Another process may have taken the port between freePort() and the bind: try another.
    if (!/address already in use/.test(log)) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`prometheus did not become ready:\n${lastLog}`);
}
