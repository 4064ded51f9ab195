import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import { join, resolve } from 'node:path';
import { SimulatedClusterInfo } from '../meshSimulator';

/**
 * The real-cluster tier (`scripts/real-cluster.sh up`): real Kubernetes with kwok's fake nodes and two
 * real Istio revisions. Its tests read `.real-cluster/env` (or the file `REAL_CLUSTER_ENV` names).
 */
export interface RealCluster {
  /** The cluster's name in the catalog. */
  name: string;
  env: Record<string, string>;
  /** The cluster as the backend test setup expects a simulated one; both tokens are the backend's. */
  clusters: SimulatedClusterInfo[];
  caPem: string;
  oldRevision: string;
  oldVersion: string;
  newRevision: string;
  newVersion: string;
  /** kubectl as cluster-admin. */
  kubectl(args: string[], options?: { timeoutMs?: number }): Promise<string>;
  /** The newer revision's istioctl, as cluster-admin: its stdout (then its stderr, `withStderr`). */
  istioctl(
    args: string[],
    options?: { timeoutMs?: number; withStderr?: boolean },
  ): Promise<string>;
  /** helm, as cluster-admin. */
  helm(args: string[]): Promise<string>;
  /** Re-installs a revision's blue/green ingress gateway as `scripts/real-cluster.sh up` did. */
  installGateway(revision: string): Promise<void>;
  /** `kubectl auth can-i` as the given user: whether the API server would allow it. */
  canI(user: string, verb: string, resource: string): Promise<boolean>;
  /** kubectl with the backend's own token (for authorization checks). */
  kubectlAsBackend(args: string[]): Promise<string>;
  /** The audit log's entries from `since` (a position from {@link RealCluster.auditPosition}). */
  auditEvents(since?: number): AuditEvent[];
  /** The audit log's current end. */
  auditPosition(): number;
  /** Streams watch events of a collection path as cluster-admin, until `stop` is called. */
  watch(
    path: string,
    onEvent: (event: { type: string; object: any }) => void,
  ): Promise<{ stop(): void }>;
}

/** One entry of the API server's audit log (level Metadata). */
export interface AuditEvent {
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
    subresource?: string;
  };
  responseStatus?: { code?: number };
}

/** The backend's ServiceAccount, as the backend plugin's README names it. */
export const BACKEND_USER = 'system:serviceaccount:istio-upgrade:istio-upgrade';

function envFile(): string {
  if (process.env.REAL_CLUSTER_ENV) return process.env.REAL_CLUSTER_ENV;
  // The repository root, from this file's folder in the backend plugin.
  return resolve(__dirname, '../../../../../.real-cluster/env');
}

/** Whether `scripts/real-cluster.sh up` has left a cluster to test. */
export function realClusterAvailable(): boolean {
  return existsSync(envFile());
}

function run(
  binary: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 120_000,
  withStderr = false,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      binary,
      args,
      {
        env: { ...process.env, ...env },
        timeout: timeoutMs,
        maxBuffer: 512 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            Object.assign(
              new Error(
                `${binary.split('/').pop()} ${args.join(' ')}: ${
                  stderr || error.message
                }`,
              ),
              { stdout, exitCode: error.code },
            ),
          );
        } else {
          resolvePromise(withStderr ? `${stdout}${stderr}` : stdout);
        }
      },
    );
  });
}

/** Reads the cluster that `scripts/real-cluster.sh up` started; throws when there is none. */
export function realCluster(name = 'real'): RealCluster {
  const file = envFile();
  if (!existsSync(file)) {
    throw new Error(
      `no real cluster: ${file} is missing (run scripts/real-cluster.sh up)`,
    );
  }
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) env[match[1]] = match[2];
  }
  const caPem = readFileSync(env.REAL_CLUSTER_CA_FILE, 'utf8');
  const token = readFileSync(env.REAL_CLUSTER_TOKEN_FILE, 'utf8').trim();
  const bin = env.REAL_CLUSTER_BIN;
  const admin = { KUBECONFIG: env.REAL_CLUSTER_KUBECONFIG };
  const kubectl = (args: string[], options?: { timeoutMs?: number }) =>
    run(join(bin, 'kubectl'), args, admin, options?.timeoutMs);
  const kwokPki = join(
    env.REAL_CLUSTER_STATE,
    'kwok/clusters/istio-upgrade-real/pki',
  );
  const clientCert = readFileSync(join(kwokPki, 'admin.crt'));
  const clientKey = readFileSync(join(kwokPki, 'admin.key'));

  const readAudit = (since: number): AuditEvent[] => {
    const path = env.REAL_CLUSTER_AUDIT_LOG;
    if (!existsSync(path)) return [];
    const text = readFileSync(path).subarray(since).toString('utf8');
    return text
      .split('\n')
      .filter(line => line.startsWith('{'))
      .map(line => JSON.parse(line) as AuditEvent);
  };

  return {
    name,
    env,
    clusters: [
      {
        name,
        server: env.REAL_CLUSTER_SERVER,
        tokens: { admin: token, readOnly: token, namespaced: {} },
      },
    ],
    caPem,
    oldRevision: env.REAL_CLUSTER_OLD_REVISION,
    oldVersion: env.REAL_CLUSTER_OLD_VERSION,
    newRevision: env.REAL_CLUSTER_NEW_REVISION,
    newVersion: env.REAL_CLUSTER_NEW_VERSION,
    kubectl,
    istioctl: (args, options) =>
      run(
        env.REAL_CLUSTER_NEW_ISTIOCTL,
        ['--kubeconfig', env.REAL_CLUSTER_KUBECONFIG, ...args],
        {},
        options?.timeoutMs,
        options?.withStderr,
      ),
    helm: args =>
      run(
        env.REAL_CLUSTER_HELM,
        ['--kubeconfig', env.REAL_CLUSTER_KUBECONFIG, ...args],
        {},
        300_000,
      ),
    async installGateway(revision) {
      await run(
        resolve(__dirname, '../../../../../scripts/real-cluster.sh'),
        ['install-gateway', revision],
        { REAL_CLUSTER_STATE: env.REAL_CLUSTER_STATE },
        300_000,
      );
    },
    async canI(user, verb, resource) {
      try {
        const answer = await kubectl([
          'auth',
          'can-i',
          verb,
          resource,
          `--as=${user}`,
          '--all-namespaces',
        ]);
        return answer.trim() === 'yes';
      } catch (error) {
        // kubectl exits 1 and prints "no" for a refusal.
        if ((error as { stdout?: string }).stdout?.trim() === 'no') {
          return false;
        }
        throw error;
      }
    },
    kubectlAsBackend: args =>
      run(
        join(bin, 'kubectl'),
        [
          '--server',
          env.REAL_CLUSTER_SERVER,
          '--certificate-authority',
          env.REAL_CLUSTER_CA_FILE,
          '--token',
          token,
          ...args,
        ],
        { KUBECONFIG: '/dev/null' },
      ),
    auditEvents: (since = 0) => readAudit(since),
    auditPosition: () =>
      existsSync(env.REAL_CLUSTER_AUDIT_LOG)
        ? statSync(env.REAL_CLUSTER_AUDIT_LOG).size
        : 0,
    watch(path, onEvent) {
      return new Promise((resolvePromise, reject) => {
        const url = new URL(`${env.REAL_CLUSTER_SERVER}${path}`);
        url.searchParams.set('watch', 'true');
        url.searchParams.set('allowWatchBookmarks', 'false');
        const req = https.get(
          url,
          { ca: caPem, cert: clientCert, key: clientKey },
          res => {
            if (res.statusCode !== 200) {
              reject(new Error(`watch ${path}: ${res.statusCode}`));
              res.resume();
              return;
            }
            let buffer = '';
            res.on('data', (chunk: Buffer) => {
              buffer += chunk.toString('utf8');
              let newline = buffer.indexOf('\n');
              while (newline >= 0) {
                const line = buffer.slice(0, newline).trim();
                buffer = buffer.slice(newline + 1);
                if (line) onEvent(JSON.parse(line));
                newline = buffer.indexOf('\n');
              }
            });
            resolvePromise({ stop: () => req.destroy() });
          },
        );
        req.on('error', error => {
          if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') {
            reject(error);
          }
        });
      });
    },
  };
}
