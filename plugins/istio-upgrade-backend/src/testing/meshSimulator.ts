import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/**
 * The mesh simulator's CLI. The plugins never import the simulator
 * (docs/architecture.md#why-the-simulator-shares-no-code): tests and
 * benchmarks run it as a process from the monorepo, or from `MESH_SIM_BIN`.
 */
const meshSimBin = () =>
  process.env.MESH_SIM_BIN ??
  resolvePackagePath(
    '@istio-upgrade/backstage-plugin-istio-upgrade-backend',
    '../../packages/mesh-simulator/bin/mesh-sim',
  );

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

/**
 * Options of {@link startMeshSimulator}.
 *
 * @public
 */
export interface MeshSimulatorProcessOptions {
  /** `seed`, `demo`, `fleet:CxP` or a scenario file; several are served together. */
  scenarios?: string[];
  /** Simulated clock speed (`--speed`); 20 runs a Bookinfo rolling restart in well under a second. */
  speed?: number;
  /** Changes kept per cluster for watch resumption (`--history`); small values provoke 410 Gone. */
  history?: number;
  /** Extra `node` flags for the simulator process, e.g. `--max-old-space-size=4096`. */
  nodeOptions?: string[];
  /** How long to wait for `mesh-sim ready` (large fleets take a while). Default 120 s. */
  readyTimeoutMs?: number;
  /** Forwards the simulator's stderr to this process's stderr (for debugging). */
  showLogs?: boolean;
}

/**
 * One simulated cluster as `mesh-sim.json` describes it.
 *
 * @public
 */
export interface SimulatedClusterInfo {
  name: string;
  /** The API server URL, with the cluster's path (`https://127.0.0.1:PORT/clusters/seed`). */
  server: string;
  tokens: {
    admin: string;
    readOnly: string;
    namespaced: Record<string, string>;
  };
}

/**
 * A running simulator process and clients for it.
 *
 * @public
 */
export interface MeshSimulatorProcess {
  url: string;
  /** The simulator-wide admin token (every cluster, and `/sim/v1`). */
  adminToken: string;
  /** Path of the kubeconfig (one context per cluster, named after it). */
  kubeconfig: string;
  stateDir: string;
  clusters: SimulatedClusterInfo[];
  caPem: string;
  pid: number;
  /**
   * Calls the simulator's control API with the admin token; `path` is below `/sim/v1`
   * (`clusters/seed/faults`). Resolves the parsed JSON answer; rejects on a non-2xx status.
   */
  sim<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /**
   * Runs `kubectl` with the simulator's kubeconfig and returns its stdout; rejects with its stderr when
   * it exits non-zero.
   */
  kubectl(args: string[], options?: { timeoutMs?: number }): Promise<string>;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its state folder. */
  stop(): Promise<void>;
}

function httpsJson(
  url: string,
  options: { method: string; token: string; ca: string; body?: unknown },
): Promise<{ status: number; body: any; text: string }> {
  const payload =
    options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolvePromise, reject) => {
    const req = https.request(
      url,
      {
        method: options.method,
        ca: options.ca,
        headers: {
          Authorization: `Bearer ${options.token}`,
          Accept: 'application/json',
          ...(payload
            ? {
                'Content-Type': 'application/json',
                'Content-Length': Buffer.byteLength(payload),
              }
            : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolvePromise({ status: res.statusCode ?? 0, body, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function waitForReady(
  child: ChildProcess,
  timeoutMs: number,
  stderrTail: () => string,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    const timer = { handle: undefined as NodeJS.Timeout | undefined };
    const listeners = {
      data(chunk: Buffer) {
        stdout += chunk.toString('utf8');
        const match = /^mesh-sim ready (\S+)\s*$/m.exec(stdout);
        if (match) {
          detach();
          child.stdout!.resume();
          resolvePromise(match[1]);
        }
      },
      exit(code: number | null, signal: string | null) {
        detach();
        reject(
          new Error(
            `mesh-sim exited (${
              code ?? signal
            }) before it was ready\n${stderrTail()}`,
          ),
        );
      },
    };
    function detach() {
      clearTimeout(timer.handle);
      child.stdout!.off('data', listeners.data);
      child.off('exit', listeners.exit);
    }
    timer.handle = setTimeout(() => {
      detach();
      reject(
        new Error(
          `mesh-sim was not ready within ${timeoutMs} ms\n${stderrTail()}`,
        ),
      );
    }, timeoutMs);
    child.stdout!.on('data', listeners.data);
    child.on('exit', listeners.exit);
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `mesh-sim serve` as a child process on a free port with its own state folder, waits for
 * `mesh-sim ready` and reads `mesh-sim.json`.
 *
 * @public
 */
export async function startMeshSimulator(
  options: MeshSimulatorProcessOptions = {},
): Promise<MeshSimulatorProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), 'istio-upgrade-sim-'));
  const args = [
    ...(options.nodeOptions ?? []),
    meshSimBin(),
    'serve',
    '--port',
    '0',
    '--state-dir',
    stateDir,
    '--speed',
    String(options.speed ?? 1),
    ...(options.history ? ['--history', String(options.history)] : []),
    ...(options.scenarios ?? ['seed']).flatMap(s => ['--scenario', s]),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (options.showLogs) process.stderr.write(text);
    stderr = (stderr + text).slice(-4000);
  });
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  exited.then(() => running.delete(child));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(stateDir, { recursive: true, force: true });
  };

  let url: string;
  try {
    url = await waitForReady(
      child,
      options.readyTimeoutMs ?? 120_000,
      () => stderr,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const state = JSON.parse(
    readFileSync(join(stateDir, 'mesh-sim.json'), 'utf8'),
  );
  const caPem = readFileSync(state.caFile ?? join(stateDir, 'ca.crt'), 'utf8');
  const kubeconfig: string = state.kubeconfig ?? join(stateDir, 'kubeconfig');
  const kubectlHome = mkdtempSync(join(stateDir, 'home-'));

  return {
    url,
    adminToken: state.adminToken,
    kubeconfig,
    stateDir,
    clusters: state.clusters,
    caPem,
    pid: child.pid!,
    async sim(method, path, body) {
      const res = await httpsJson(
        `${url}/sim/v1/${path.replace(/^\/?(sim\/v1\/)?/, '')}`,
        { method, token: state.adminToken, ca: caPem, body },
      );
      if (res.status < 200 || res.status >= 300) {
        throw new Error(
          `${method} /sim/v1/${path}: ${res.status} ${res.text.slice(0, 300)}`,
        );
      }
      return res.body;
    },
    kubectl(kubectlArgs, run = {}) {
      return new Promise((resolvePromise, reject) => {
        execFile(
          KUBECTL,
          kubectlArgs,
          {
            env: { ...process.env, KUBECONFIG: kubeconfig, HOME: kubectlHome },
            timeout: run.timeoutMs ?? 120_000,
            maxBuffer: 512 * 1024 * 1024,
          },
          (error, stdout, stderrText) => {
            if (error) {
              reject(
                new Error(
                  `kubectl ${kubectlArgs.join(' ')}: ${
                    stderrText || error.message
                  }`,
                ),
              );
            } else {
              resolvePromise(stdout);
            }
          },
        );
      });
    },
    stop,
  };
}

/**
 * Options of {@link meshSimulatorBackendSetup}.
 *
 * @public
 */
export interface MeshSimulatorBackendSetupOptions {
  /** Which of each cluster's tokens the backend uses. Default `readOnly`: the inventory only reads. */
  token?: 'admin' | 'readOnly';
  /** Also configure `@backstage/plugin-kubernetes-backend` (config cluster locator) for the clusters. */
  kubernetesPlugin?: boolean;
  /** Extra `istioUpgrade.inventory` settings. */
  inventory?: Record<string, unknown>;
}

/**
 * The catalog entities (`Resource` of type `kubernetes-cluster`, annotated as the Kubernetes plugin
 * expects) and the backend config (tokens, `allowedPrivateHosts: ['127.0.0.1']`) for the simulator's
 * clusters, for `catalogServiceMock.factory({ entities })` and
 * `mockServices.rootConfig.factory({ data: config })`.
 *
 * @public
 */
export function meshSimulatorBackendSetup(
  simulator: Pick<MeshSimulatorProcess, 'clusters' | 'caPem'>,
  options: MeshSimulatorBackendSetupOptions = {},
) {
  const role = options.token ?? 'readOnly';
  const caData = Buffer.from(simulator.caPem).toString('base64');
  const entities = simulator.clusters.map(cluster => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: cluster.name,
      namespace: 'default',
      annotations: {
        'kubernetes.io/api-server': cluster.server,
        'kubernetes.io/api-server-certificate-authority': caData,
        'kubernetes.io/auth-provider': 'serviceAccount',
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/platform' }],
  }));
  const config: Record<string, any> = {
    istioUpgrade: {
      clusters: {
        allowedPrivateHosts: ['127.0.0.1'],
        credentials: Object.fromEntries(
          simulator.clusters.map(c => [
            c.name,
            { serviceAccountToken: c.tokens[role] },
          ]),
        ),
      },
      ...(options.inventory ? { inventory: options.inventory } : {}),
    },
  };
  if (options.kubernetesPlugin) {
    config.kubernetes = {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: simulator.clusters.map(c => ({
            name: c.name,
            url: c.server,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.tokens[role],
            caData,
          })),
        },
      ],
    };
  }
  return { entities, config };
}

/** A catalog Component mapped to workloads as the Kubernetes plugin maps it. */
export function componentEntity(
  name: string,
  annotations: Record<string, string>,
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team',
    },
  };
}
