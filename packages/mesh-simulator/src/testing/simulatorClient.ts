import { execFile, spawn, ChildProcess } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MeshSimulatorOptions,
  RunningMeshSimulator,
  startMeshSimulator,
} from '../meshSimulator';

/**
 * A simulator started for one test file, on a random port with its own state folder, and a
 * client for its HTTPS API and for kubectl against it. Used only by this package's tests.
 *
 * @public
 */
export interface TestSimulator {
  sim: RunningMeshSimulator;
  stateDir: string;
  /** Calls the HTTPS API with the admin token (or `token`), returning status, headers and parsed body. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    token?: string,
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    /** Every `Warning` header of the answer, one entry each. */
    warnings: string[];
    body: any;
    text: string;
  }>;
  /**
   * Runs kubectl with the simulator's kubeconfig: `options.binary`, else `$KUBECTL`, else the
   * `kubectl` on the PATH.
   */
  kubectl(
    args: string[],
    options?: { timeoutMs?: number; context?: string; binary?: string },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Starts a long-running kubectl (for `get -w`). */
  kubectlStream(args: string[]): ChildProcess;
  /** Polls `check` until it returns a truthy value or the timeout passes. */
  eventually<T>(
    check: () => Promise<T | undefined | false> | T | undefined | false,
    timeoutMs?: number,
  ): Promise<T>;
  stop(): Promise<void>;
}

/** Starts a simulator for a test file. */
export async function startTestSimulator(
  options: Partial<MeshSimulatorOptions> = {},
): Promise<TestSimulator> {
  const stateDir = mkdtempSync(join(tmpdir(), 'mesh-sim-test-'));
  const sim = await startMeshSimulator({
    scenarios: ['seed'],
    port: 0,
    stateDir,
    log: () => {},
    ...options,
  });
  const home = mkdtempSync(join(tmpdir(), 'mesh-sim-home-'));
  const env = { ...process.env, KUBECONFIG: sim.kubeconfigPath!, HOME: home };
  const request: TestSimulator['request'] = (
    method,
    path,
    body,
    headers = {},
    token = sim.adminToken,
  ) =>
    new Promise((resolve, reject) => {
      let data: string | undefined;
      if (body !== undefined)
        data = typeof body === 'string' ? body : JSON.stringify(body);
      const req = https.request(
        `${sim.url}${path}`,
        {
          method,
          ca: sim.caPem,
          headers: {
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...(data !== undefined
              ? {
                  'Content-Type': 'application/json',
                  'Content-Length': String(Buffer.byteLength(data)),
                }
              : {}),
            ...headers,
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              warnings: res.headersDistinct.warning ?? [],
              body: parsed,
              text,
            });
          });
        },
      );
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  return {
    sim,
    stateDir,
    request,
    kubectl: (args, run = {}) =>
      new Promise(resolve => {
        execFile(
          run.binary ?? process.env.KUBECTL ?? 'kubectl',
          [...(run.context ? ['--context', run.context] : []), ...args],
          {
            env,
            timeout: run.timeoutMs ?? 120000,
            maxBuffer: 64 * 1024 * 1024,
          },
          (error, stdout, stderr) => {
            let code = 0;
            if (error) code = typeof error.code === 'number' ? error.code : 1;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    kubectlStream: args =>
      spawn(process.env.KUBECTL ?? 'kubectl', args, {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    async eventually(check, timeoutMs = 60000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        try {
          const value = await check();
          if (value) return value as never;
          last = value;
        } catch (error) {
          last = error;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `condition not met in ${timeoutMs} ms (last: ${
              last instanceof Error ? last.message : JSON.stringify(last)
            })`,
          );
        }
        await new Promise(r => setTimeout(r, 100));
      }
    },
    stop: () => sim.stop(),
  };
}
