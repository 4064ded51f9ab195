import { isDeepStrictEqual } from 'node:util';
import { MeshSimulatorProcess } from '../meshSimulator';

/**
 * Pods per sidecar revision and proxy version, keyed `<revision>@<version>` (`none` for pods without a
 * sidecar), so that two tallies compare with `toEqual`.
 */
export type RevisionTally = Record<string, number>;

/** What a cluster runs, per namespace and per workload, as kubectl (or the API) says. */
export interface PodRevisions {
  namespaces: Record<string, RevisionTally>;
  /** Keyed `<namespace>/<Kind>/<name>`, every Deployment, StatefulSet and DaemonSet (pods or not). */
  workloads: Record<string, RevisionTally>;
}

const tallyKey = (revision?: string, version?: string) =>
  revision === undefined ? 'none' : `${revision}@${version ?? '?'}`;

function add(tally: RevisionTally, key: string) {
  tally[key] = (tally[key] ?? 0) + 1;
}

function proxyVersion(pod: any): string | undefined {
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
  ];
  const proxy = containers.find((c: any) => c.name === 'istio-proxy');
  const match = /\/proxyv2:(\d+\.\d+\.\d+)/.exec(proxy?.image ?? '');
  return match?.[1];
}

function controllerOf(object: any): { kind: string; name: string } | undefined {
  const owners: any[] = object.metadata?.ownerReferences ?? [];
  return owners.find(o => o.controller) ?? owners[0];
}

/**
 * Reads the truth with kubectl: every pod's revision from its `sidecar.istio.io/status` annotation, its
 * proxy version from its `istio-proxy` container image, and its workload from owner references (a
 * ReplicaSet followed to the Deployment that owns it).
 */
export async function podRevisionsFromKubectl(
  simulator: Pick<MeshSimulatorProcess, 'kubectl'>,
  context?: string,
): Promise<PodRevisions> {
  const ctx = context ? ['--context', context] : [];
  // Settled, not raced: a kubectl still retrying after another failed would touch the cluster later.
  const reads = await Promise.allSettled(
    [
      ['get', 'namespaces', '-o', 'json'],
      ['get', 'pods', '-A', '-o', 'json'],
      ['get', 'replicasets', '-A', '-o', 'json'],
      ['get', 'deployments,statefulsets,daemonsets', '-A', '-o', 'json'],
    ].map(async args => JSON.parse(await simulator.kubectl([...ctx, ...args]))),
  );
  const failed = reads.find(r => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const [namespaces, pods, replicaSets, workloads] = reads.map(
    r => (r as PromiseFulfilledResult<any>).value,
  );
  const truth: PodRevisions = { namespaces: {}, workloads: {} };
  for (const ns of namespaces.items) {
    truth.namespaces[ns.metadata.name] = {};
  }
  for (const workload of workloads.items) {
    const { namespace, name } = workload.metadata;
    truth.workloads[`${namespace}/${workload.kind}/${name}`] = {};
  }
  const replicaSetOwners = new Map<string, { kind: string; name: string }>();
  for (const rs of replicaSets.items) {
    const owner = controllerOf(rs);
    if (owner) {
      replicaSetOwners.set(
        `${rs.metadata.namespace}/${rs.metadata.name}`,
        owner,
      );
    }
  }
  for (const pod of pods.items) {
    const { namespace, annotations = {} } = pod.metadata;
    const status = annotations['sidecar.istio.io/status'];
    const revision = status ? JSON.parse(status).revision : undefined;
    const key = tallyKey(revision, proxyVersion(pod));
    add((truth.namespaces[namespace] ??= {}), key);
    let owner = controllerOf(pod);
    if (owner?.kind === 'ReplicaSet') {
      owner = replicaSetOwners.get(`${namespace}/${owner.name}`);
    }
    const workload = owner && `${namespace}/${owner.kind}/${owner.name}`;
    if (workload && truth.workloads[workload]) {
      add(truth.workloads[workload], key);
    }
  }
  return truth;
}

function fromCounts(
  counts: Array<{ revision?: string; version?: string; count: number }>,
) {
  const tally: RevisionTally = {};
  for (const c of counts) {
    const key = tallyKey(c.revision, c.version);
    tally[key] = (tally[key] ?? 0) + c.count;
  }
  return tally;
}

/** The same tallies, read from a `/clusters/{cluster}/inventory` answer. */
export function podRevisionsFromInventory(inventory: any): PodRevisions {
  const result: PodRevisions = { namespaces: {}, workloads: {} };
  for (const ns of inventory.namespaces) {
    result.namespaces[ns.name] = fromCounts(ns.podsByRevision);
  }
  for (const w of inventory.workloads) {
    result.workloads[`${w.namespace}/${w.kind}/${w.name}`] = fromCounts(
      w.podsByRevision,
    );
  }
  return result;
}

/** What {@link inventoryMatchingKubectl} resolves: the inventory and kubectl's truth, equal. */
export interface MatchingInventory {
  body: any;
  truth: PodRevisions;
}

/**
 * Polls until the API's per-namespace and per-workload pod counts equal kubectl's (both read afresh each
 * time), the inventory is complete, and `accept` (if given) agrees; fails with the last difference when
 * they never do. kubectl reads that fail (a cluster with injected faults) are retried.
 */
export async function inventoryMatchingKubectl(
  get: (path: string) => PromiseLike<{ status: number; body: any }>,
  simulator: Pick<MeshSimulatorProcess, 'kubectl'>,
  cluster: string,
  options: {
    timeoutMs?: number;
    accept?: (state: MatchingInventory) => boolean;
  } = {},
): Promise<MatchingInventory> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: { api?: PodRevisions; kubectl?: PodRevisions; error?: unknown } =
    {};
  while (Date.now() < deadline) {
    try {
      const res = await get(`/clusters/${cluster}/inventory`);
      const truth = await podRevisionsFromKubectl(simulator, cluster);
      const api = podRevisionsFromInventory(res.body);
      last = { api, kubectl: truth };
      const state = { body: res.body, truth };
      if (
        res.status === 200 &&
        res.body.cluster.sync.complete &&
        isDeepStrictEqual(api, truth) &&
        (options.accept?.(state) ?? true)
      ) {
        return state;
      }
    } catch (error) {
      last = { ...last, error };
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(
    `the inventory of ${cluster} did not come to match kubectl: ${JSON.stringify(
      { api: last.api, kubectl: last.kubectl },
      null,
      1,
    )}${last.error ? `\nlast error: ${last.error}` : ''}`,
  );
}
