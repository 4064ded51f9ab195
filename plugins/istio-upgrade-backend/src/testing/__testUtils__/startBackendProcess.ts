import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of {@link startBackendProcess}. */
export interface BackendProcessOptions {
  /** The whole app config; `backend.listen` and `backend.baseUrl` are set from `port`. */
  config: Record<string, any>;
  /** The catalog's entities. */
  entities: Array<Record<string, unknown>>;
  /** The port to listen on (see {@link freePort}). */
  port: number;
  /** How long to wait for `backend ready`. Default 90 s. */
  readyTimeoutMs?: number;
  /** Forwards the backend's output to this process's stderr (for debugging). */
  showLogs?: boolean;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** A running backend process. */
export interface BackendProcess {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  pid: number;
  /** Kills the process with `signal` (default SIGKILL) and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the process gracefully (SIGTERM, SIGKILL after 15 s). */
  stop(): Promise<void>;
  /** The last lines of its output, to say why something failed. */
  output(): string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A TCP port nothing listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePromise(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts the istio-upgrade backend (backendProcessMain) as a child process, so that a test can kill
 * it with SIGKILL and start another on the same database, and resolves once it serves.
 */
export async function startBackendProcess(
  options: BackendProcessOptions,
): Promise<BackendProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'istio-upgrade-backend-'));
  const file = join(dir, 'backend.json');
  const url = `http://127.0.0.1:${options.port}`;
  const config = {
    ...options.config,
    backend: {
      ...options.config.backend,
      baseUrl: url,
      listen: { host: '127.0.0.1', port: options.port },
    },
  };
  writeFileSync(file, JSON.stringify({ config, entities: options.entities }), {
    mode: 0o600,
  });
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      require.resolve('./backendProcessMain'),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        NODE_ENV: 'test',
        ISTIO_UPGRADE_BACKEND_PROCESS_FILE: file,
      },
    },
  );
  running.add(child);
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  exited.then(() => {
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  });

  let output = '';
  const ready = new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `the backend process was not ready within ${
              options.readyTimeoutMs ?? 90_000
            } ms\n${output}`,
          ),
        ),
      options.readyTimeoutMs ?? 90_000,
    );
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (options.showLogs) process.stderr.write(text);
      output = (output + text).slice(-20_000);
      if (/^backend ready$/m.test(output)) {
        clearTimeout(timer);
        resolvePromise();
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the backend process exited (${
            code ?? signal
          }) before it was ready\n${output}`,
        ),
      );
    });
  });

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    }
    await exited;
  };
  try {
    await ready;
  } catch (error) {
    await kill();
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    kill,
    async stop() {
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await kill('SIGTERM');
      clearTimeout(killer);
    },
    output: () => output,
  };
}
