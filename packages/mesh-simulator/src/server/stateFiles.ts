import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { ClusterTokens } from './accessTokens';
import type {
  LoadTimes,
  ProcessMemory,
  ScenarioLoadTime,
} from '../stats/simulatorStats';

/**
 * What the simulator tells other tools about one cluster.
 *
 * @public
 */
export interface ClusterInfo {
  name: string;
  server: string;
  tokens: ClusterTokens;
}

function writePrivate(file: string, content: string) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content, { mode: 0o600 });
  // writeFileSync keeps the mode of an existing file; tokens must never be world readable.
  chmodSync(file, 0o600);
}

/** Builds a kubeconfig with one cluster, user and context per simulated cluster, named after it. */
export function kubeconfigYaml(clusters: ClusterInfo[], caPem: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map(c => ({
      name: c.name,
      cluster: { server: c.server, 'certificate-authority-data': ca },
    })),
    users: clusters.map(c => ({
      name: c.name,
      user: { token: c.tokens.admin },
    })),
    contexts: clusters.map(c => ({
      name: c.name,
      context: { cluster: c.name, user: c.name },
    })),
    'current-context': clusters[0]?.name ?? '',
  });
}

/**
 * Writes the kubeconfig, `ca.crt` and `mesh-sim.json` (token files mode 0600; the latter also
 * holds the load times and the memory after load). Returns the kubeconfig path.
 */
export function writeStateFiles(options: {
  stateDir: string;
  kubeconfigPath?: string;
  url: string;
  adminToken: string;
  caPem: string;
  clusters: ClusterInfo[];
  /** Load times of the start (per-cluster times are in `GET /sim/v1/stats`). */
  load?: Pick<LoadTimes, 'totalMs' | 'certificatesMs'> & {
    scenarios: ScenarioLoadTime[];
  };
  /** The process's memory once loaded. */
  memoryAfterLoad?: ProcessMemory;
}): string {
  const stateDir = resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const caFile = resolve(stateDir, 'ca.crt');
  writeFileSync(caFile, options.caPem);
  const kubeconfigPath = resolve(
    options.kubeconfigPath ?? resolve(stateDir, 'kubeconfig'),
  );
  writePrivate(kubeconfigPath, kubeconfigYaml(options.clusters, options.caPem));
  writePrivate(
    resolve(stateDir, 'mesh-sim.json'),
    `${JSON.stringify(
      {
        url: options.url,
        adminToken: options.adminToken,
        caFile,
        kubeconfig: kubeconfigPath,
        clusters: options.clusters,
        load: options.load,
        memoryAfterLoad: options.memoryAfterLoad,
      },
      null,
      2,
    )}\n`,
  );
  return kubeconfigPath;
}
