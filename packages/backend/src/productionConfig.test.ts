import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(240_000);

const REPO = resolve(__dirname, '../../..');
const DEMO_TOKEN = 'istio-upgrade-mcp-demo-token';
/** A token this test adds for itself, to reach the plugin's error paths as an authorized caller. */
const TEST_TOKEN = randomBytes(24).toString('hex');

/** A production deployment has no MCP_DEMO_TOKEN: the environment without it. */
function withoutDemoToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { MCP_DEMO_TOKEN: _, ...rest } = env;
  return rest;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => res(port));
    });
  });
}

const postgres = {
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  password: '',
};

/** A backend started by {@link bootProduction}. */
interface ProductionBackend {
  url: string;
  stop(): Promise<void>;
}

/**
 * The demo backend started as a production deployment starts it: `NODE_ENV=production`,
 * app-config.yaml + app-config.production.yaml (PostgreSQL from the POSTGRES_* variables), and nothing of
 * app-config.demo.yaml. A third file moves it to a free port and its databases to a prefix of their
 * own, and adds `extra` (config arrays it names replace the others' arrays).
 */
async function bootProduction(
  extra: Record<string, any> = {},
): Promise<ProductionBackend> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const prefix = `backstage_prodtest_${randomBytes(4).toString('hex')}_`;
  const dir = mkdtempSync(join(tmpdir(), 'production-config-'));
  const overrides = join(dir, 'app-config.test.yaml');
  writeFileSync(
    overrides,
    JSON.stringify({
      ...extra,
      app: { baseUrl: url },
      backend: {
        ...extra.backend,
        baseUrl: url,
        // The production file's form (a string), which a later file can only replace in kind.
        listen: `127.0.0.1:${port}`,
        database: { prefix },
      },
    }),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      resolve(__dirname, 'index.ts'),
      '--config',
      join(REPO, 'app-config.yaml'),
      '--config',
      join(REPO, 'app-config.production.yaml'),
      '--config',
      overrides,
    ],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...withoutDemoToken(process.env),
        NODE_OPTIONS: '',
        NODE_ENV: 'production',
        POSTGRES_HOST: postgres.host,
        POSTGRES_PORT: String(postgres.port),
        POSTGRES_USER: postgres.user,
        POSTGRES_PASSWORD: postgres.password,
      },
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-30_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise(r => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
    const psql = (sql: string) =>
      execFileSync(
        'psql',
        ['-h', postgres.host, '-p', String(postgres.port), '-U', postgres.user],
        { input: sql, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] },
      );
    const databases = psql(
      `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%';`,
    )
      .split('\n')
      .map(line => line.trim())
      .filter(name => name.startsWith(prefix));
    for (const name of databases) psql(`DROP DATABASE IF EXISTS "${name}";`);
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null || /Unhandled rejection/.test(output)) {
      await stop();
      throw new Error(`the backend failed to start:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/.backstage/health/v1/readiness`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the backend was not ready in 3 minutes:\n${output}`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
  return { url, stop };
}

const get = (url: string, token?: string) =>
  fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

describe('the production configuration', () => {
  let backend: ProductionBackend;

  beforeAll(async () => {
    backend = await bootProduction();
  });

  afterAll(() => backend?.stop());

  it("refuses the demo's public MCP token everywhere", async () => {
    for (const path of [
      '/api/istio-upgrade/fleet',
      '/api/catalog/entities',
      '/api/mcp-actions/v1',
    ]) {
      const res = await get(`${backend.url}${path}`, DEMO_TOKEN);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
  });

  it('offers no guest and no demo sign-in', async () => {
    for (const provider of ['guest', 'demo']) {
      const res = await fetch(`${backend.url}/api/auth/${provider}/refresh`, {
        headers: {
          'x-requested-with': 'XMLHttpRequest',
          'x-demo-user': 'alice',
        },
      });
      expect({ provider, status: res.status }).toEqual({
        provider,
        status: 404,
      });
    }
  });
});

describe('errors in production', () => {
  let backend: ProductionBackend;

  beforeAll(async () => {
    // A token of the test's own, to reach the plugin's error paths as an authorized caller.
    backend = await bootProduction({
      backend: {
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: TEST_TOKEN, subject: 'production-test' },
              accessRestrictions: [{ plugin: 'istio-upgrade' }],
            },
          ],
        },
      },
    });
  });

  afterAll(() => backend?.stop());

  it('answer without a stack trace or a file path', async () => {
    const url = `${backend.url}/api/istio-upgrade`;
    const post = (body: string) =>
      fetch(`${url}/requests`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${TEST_TOKEN}`,
          'Content-Type': 'application/json',
        },
        body,
      });
    const answers = [
      await get(`${url}/requests/not-a-uuid`, TEST_TOKEN),
      await get(`${url}/clusters/nope/inventory`, TEST_TOKEN),
      await get(`${url}/requests?limit=100000`, TEST_TOKEN),
      await get(`${url}/fleet`),
      await post('{"type": '),
      await post(
        JSON.stringify({
          type: 'namespace-migration',
          cluster: 'nope',
          revision: '1-2-3',
          target: { namespace: 'x' },
        }),
      ),
    ];
    expect(answers.every(a => a.status >= 400 && a.status < 500)).toBe(true);
    for (const answer of answers) {
      const body = await answer.text();
      expect(body).toMatch(/"error"/);
      expect(body).not.toMatch(/"stack"/);
      expect(body).not.toMatch(/\n\s+at |\\n\s+at /);
      expect(body).not.toMatch(/\.(ts|js|cjs|mjs):\d+/);
      expect(body).not.toContain(REPO);
      expect(body).not.toMatch(/node_modules/);
    }
  });
});
