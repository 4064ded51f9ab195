import {
  CampaignCluster,
  CampaignPlan,
  CampaignRing,
  CampaignWave,
  CampaignWaveNamespace,
  ClusterInventory,
  compareIstioVersions,
  MaintenanceWindow,
  NamespaceInventory,
  PlannedCampaignRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { CampaignSpec } from '../CampaignStore';

/** A ring with its clusters resolved from the catalog. */
export interface ResolvedRing {
  name: string;
  clusters: string[];
  continueOnUnreachable: boolean;
}

/** Whether a cluster's windows are open at a time, and when they open next. */
export interface WindowState {
  open: boolean;
  opensAt?: Date;
  closesAt?: Date;
}

/** What planning a campaign reads: each cluster's inventory, windows and gate, and the clock. */
export interface CampaignPlanningContext {
  inventory(cluster: string): Promise<ClusterInventory>;
  windowsFor(cluster: string): MaintenanceWindow[];
  windowState(windows: MaintenanceWindow[], at: Date): WindowState;
  gated(cluster: string): boolean;
  /**
   * The request planner's prechecks of one planned request: undefined when they pass, else the
   * failures in words. Planning asks it for one namespace of each distinct set of running revisions
   * per cluster (the version rules are the same for the rest), not for every namespace.
   */
  precheck?(request: PlannedCampaignRequest): Promise<string | undefined>;
  now: Date;
}

/** A cluster the campaign cannot go to, and why (the precheck's reason). */
export interface ClusterProblem {
  cluster: string;
  reason: string;
}

/** Injection modes whose namespaces a campaign migrates; ambient, disabled and uninjected ones are left alone. */
const MIGRATED_MODES = new Set(['legacy', 'revision', 'tag']);

/** Estimated seconds: a wave's restarts, a cutover, a tag move, a removal. */
const ESTIMATE = {
  waveBase: 60,
  perPod: 2,
  cutover: 90,
  tagMove: 45,
  removal: 120,
};

/** The catalog entities whose workloads run in a namespace (by `backstage.io/kubernetes-id`). */
function ownersOf(inventory: ClusterInventory, namespace: string): string[] {
  const ids = new Set<string>();
  for (const w of inventory.workloads) {
    if (w.namespace !== namespace) continue;
    const id =
      w.podLabels?.['backstage.io/kubernetes-id'] ??
      w.labels?.['backstage.io/kubernetes-id'];
    if (id) ids.add(`component:default/${id}`);
  }
  return [...ids].sort();
}

/** The control plane that is the campaign's target on a cluster, or why there is none. */
function targetRevision(
  spec: CampaignSpec,
  cluster: string,
  inventory: ClusterInventory,
): { revision: string } | { problem: string } {
  const named = spec.revisions?.[cluster];
  const candidates = inventory.controlPlanes.filter(cp =>
    named ? cp.revision === named : cp.version === spec.targetVersion,
  );
  if (candidates.length === 0) {
    return {
      problem: named
        ? `no control plane of revision ${named} (install it first)`
        : `no control plane runs Istio ${spec.targetVersion}: install it first (a control-plane-install request), or name the revision in "revisions"`,
    };
  }
  if (candidates.length > 1) {
    return {
      problem: `${candidates.length} control planes run Istio ${
        spec.targetVersion
      } (${candidates
        .map(c => c.revision)
        .join(', ')}): name the target in "revisions"`,
    };
  }
  const target = candidates[0];
  if (named && target.version && target.version !== spec.targetVersion) {
    return {
      problem: `revision ${named} runs Istio ${target.version}, not ${spec.targetVersion}`,
    };
  }
  if (!target.ready) {
    return { problem: `control plane ${target.revision} is not ready` };
  }
  if (target.support?.status === 'end-of-life') {
    return {
      problem: `Istio ${target.version} is at end of life: a campaign does not move to it`,
    };
  }
  return { revision: target.revision };
}

/** The namespaces a campaign migrates on a cluster: injected, not protected, not excluded, not yet on the target. */
function namespacesToMigrate(
  spec: CampaignSpec,
  inventory: ClusterInventory,
  revision: string,
  warnings: string[],
): NamespaceInventory[] {
  const excluded = new Set(spec.waves?.exclude ?? []);
  return inventory.namespaces.filter(ns => {
    if (
      !MIGRATED_MODES.has(ns.injectionMode) ||
      ns.protected ||
      excluded.has(ns.name)
    ) {
      return false;
    }
    if (
      ns.desiredRevision === revision &&
      !ns.podsByRevision.some(r => r.revision !== revision && r.count > 0)
    ) {
      return false;
    }
    if (
      ns.desiredVersion &&
      compareIstioVersions(ns.desiredVersion, spec.targetVersion) > 0
    ) {
      // A campaign never moves sidecars back to an older version.
      warnings.push(
        `${inventory.cluster.name}: namespace ${ns.name} already asks for ${ns.desiredRevision} (Istio ${ns.desiredVersion}), newer than ${spec.targetVersion}: left alone`,
      );
      return false;
    }
    return true;
  });
}

/** Whether a revision's control plane runs an older version than the target (unknown versions count as older). */
function olderThanTarget(
  inventory: ClusterInventory,
  revision: string,
  targetVersion: string,
): boolean {
  const version = inventory.controlPlanes.find(
    cp => cp.revision === revision,
  )?.version;
  return !version || compareIstioVersions(version, targetVersion) < 0;
}

/** Namespaces in waves: the explicit order first, then the smallest first; `perWave` at a time. */
export function groupIntoWaves(
  namespaces: NamespaceInventory[],
  spec: CampaignSpec,
): NamespaceInventory[][] {
  const perWave = spec.waves?.namespacesPerWave ?? 5;
  const order =
    spec.waves?.strategy === 'explicit' ? spec.waves?.order ?? [] : [];
  const byName = new Map(namespaces.map(ns => [ns.name, ns]));
  const first = order.flatMap(name => {
    const ns = byName.get(name);
    return ns ? [ns] : [];
  });
  const listed = new Set(first.map(ns => ns.name));
  const rest = namespaces
    .filter(ns => !listed.has(ns.name))
    .sort((a, b) => a.pods - b.pods || a.name.localeCompare(b.name));
  const all = [...first, ...rest];
  const waves: NamespaceInventory[][] = [];
  for (let i = 0; i < all.length; i += perWave) {
    waves.push(all.slice(i, i + perWave));
  }
  return waves;
}

function wave(
  index: number,
  kind: CampaignWave['kind'],
  requests: PlannedCampaignRequest[],
  namespaces: CampaignWaveNamespace[] = [],
): CampaignWave {
  return {
    index,
    kind,
    state: 'pending',
    namespaces,
    requests,
    requestIds: [],
  };
}

/** Every wave of one cluster: namespace waves, then gateway cutovers, tag moves and removals. */
function clusterWaves(
  spec: CampaignSpec,
  cluster: string,
  inventory: ClusterInventory,
  revision: string,
  warnings: string[],
): {
  waves: CampaignWave[];
  fromRevisions: string[];
  podsInScope: number;
  namespaces: NamespaceInventory[];
} {
  const namespaces = namespacesToMigrate(spec, inventory, revision, warnings);
  const waves: CampaignWave[] = groupIntoWaves(namespaces, spec).map(
    (group, i) =>
      wave(
        i,
        'namespaces',
        group.map(ns => ({
          type: 'namespace-migration',
          cluster,
          revision,
          target: { namespace: ns.name },
          summary: `Migrate namespace ${ns.name} (${ns.pods} pods) to ${revision}`,
        })),
        group.map(ns => ({
          namespace: ns.name,
          pods: ns.pods,
          owners: ownersOf(inventory, ns.name),
        })),
      ),
  );
  const from = new Set<string>();
  for (const ns of namespaces) {
    for (const r of ns.podsByRevision) {
      if (r.revision && r.revision !== revision && r.count > 0)
        from.add(r.revision);
    }
    if (ns.desiredRevision && ns.desiredRevision !== revision)
      from.add(ns.desiredRevision);
  }
  const steps = {
    gatewayCutover: spec.steps?.gatewayCutover ?? true,
    tagMove: spec.steps?.tagMove ?? true,
    removeOldRevision: spec.steps?.removeOldRevision ?? false,
  };
  if (steps.gatewayCutover) {
    const cutovers: PlannedCampaignRequest[] = inventory.gatewayServices
      .filter(
        svc =>
          svc.liveRevision !== undefined &&
          svc.liveRevision !== revision &&
          olderThanTarget(inventory, svc.liveRevision, spec.targetVersion) &&
          svc.standby?.some(s => s.revision === revision),
      )
      .map(svc => {
        if (svc.liveRevision) from.add(svc.liveRevision);
        return {
          type: 'gateway-cutover',
          cluster,
          revision,
          target: { namespace: svc.namespace, service: svc.name },
          summary: `Cut gateway Service ${svc.namespace}/${
            svc.name
          } over from ${svc.liveRevision ?? 'its live gateway'} to ${revision}`,
        };
      });
    if (cutovers.length > 0)
      waves.push(wave(waves.length, 'gateways', cutovers));
  }
  if (steps.tagMove) {
    const moves: PlannedCampaignRequest[] = inventory.tags
      .filter(
        (tag): tag is typeof tag & { revision: string } =>
          tag.revision !== undefined &&
          tag.revision !== revision &&
          tag.revisionExists &&
          // A tag already on a newer version (a canary tag) stays where it is.
          olderThanTarget(inventory, tag.revision, spec.targetVersion),
      )
      .map(tag => {
        from.add(tag.revision);
        return {
          type: 'revision-tag-move',
          cluster,
          revision,
          target: { tag: tag.name },
          summary: `Point tag ${tag.name} from ${tag.revision} to ${revision}`,
        };
      });
    if (moves.length > 0) waves.push(wave(waves.length, 'tags', moves));
  }
  const fromRevisions = [...from].sort();
  if (steps.removeOldRevision) {
    const removals: PlannedCampaignRequest[] = inventory.controlPlanes
      .filter(cp => cp.revision !== revision && from.has(cp.revision))
      .map(cp => ({
        type: 'control-plane-removal',
        cluster,
        revision: cp.revision,
        target: {},
        summary: `Remove control plane ${cp.revision}${
          cp.version ? ` (Istio ${cp.version})` : ''
        } once nothing uses it`,
      }));
    if (removals.length > 0)
      waves.push(wave(waves.length, 'removal', removals));
  }
  const podsInScope = namespaces.reduce((n, ns) => n + ns.injectedPods, 0);
  return { waves, fromRevisions, podsInScope, namespaces };
}

/** One namespace per distinct set of revisions its pods run: whose prechecks stand for the others'. */
function representatives(namespaces: NamespaceInventory[]): string[] {
  const seen = new Map<string, string>();
  for (const ns of namespaces) {
    const key = ns.podsByRevision
      .filter(r => r.count > 0)
      .map(r => r.revision ?? '-')
      .sort()
      .join(',');
    if (!seen.has(key)) seen.set(key, ns.name);
  }
  return [...seen.values()];
}

function estimateSeconds(waves: CampaignWave[], gateSeconds: number): number {
  let total = 0;
  for (const w of waves) {
    if (w.kind === 'namespaces') {
      total +=
        ESTIMATE.waveBase +
        ESTIMATE.perPod * Math.max(...w.namespaces.map(ns => ns.pods), 0) +
        gateSeconds;
    } else if (w.kind === 'gateways') {
      total += ESTIMATE.cutover + gateSeconds;
    } else if (w.kind === 'tags') {
      total += ESTIMATE.tagMove;
    } else {
      total += ESTIMATE.removal;
    }
  }
  return total;
}

/**
 * The plan of a campaign: per ring and cluster, the target revision, the windows, whether a health gate
 * watches it, and every request in its waves, with an estimated duration (waiting for the first window
 * and the soak between rings included). Clusters the campaign cannot go to are returned as problems,
 * each with its reason.
 */
export async function planCampaign(
  spec: CampaignSpec,
  rings: ResolvedRing[],
  context: CampaignPlanningContext,
): Promise<{ plan: CampaignPlan; problems: ClusterProblem[] }> {
  const problems: ClusterProblem[] = [];
  const warnings: string[] = [];
  const gateSeconds = spec.gate?.windowSeconds ?? 600;
  const soak = spec.soakSeconds ?? 86400;
  const planned: CampaignRing[] = [];
  let requests = 0;
  let elapsed = 0;
  for (const [index, ring] of rings.entries()) {
    const clusters: CampaignCluster[] = [];
    let ringSeconds = 0;
    for (const cluster of ring.clusters) {
      let inventory: ClusterInventory;
      try {
        inventory = await context.inventory(cluster);
      } catch (error) {
        problems.push({ cluster, reason: String((error as Error).message) });
        continue;
      }
      if (!inventory.cluster.sync.complete) {
        problems.push({
          cluster,
          reason: `its inventory is not synced${
            inventory.cluster.sync.error
              ? ` (${inventory.cluster.sync.error})`
              : ''
          }`,
        });
        continue;
      }
      const target = targetRevision(spec, cluster, inventory);
      if ('problem' in target) {
        problems.push({ cluster, reason: target.problem });
        continue;
      }
      const { waves, fromRevisions, podsInScope, namespaces } = clusterWaves(
        spec,
        cluster,
        inventory,
        target.revision,
        warnings,
      );
      if (context.precheck) {
        const failures: string[] = [];
        for (const namespace of representatives(namespaces)) {
          const reason = await context.precheck({
            type: 'namespace-migration',
            cluster,
            revision: target.revision,
            target: { namespace },
            summary: '',
          });
          if (reason) failures.push(`namespace ${namespace}: ${reason}`);
        }
        if (failures.length > 0) {
          problems.push({ cluster, reason: failures.join('; ') });
          continue;
        }
      }
      const windows = context.windowsFor(cluster);
      const at = new Date(context.now.getTime() + elapsed * 1000);
      const state = context.windowState(windows, at);
      const waitSeconds =
        !state.open && state.opensAt
          ? Math.round((state.opensAt.getTime() - at.getTime()) / 1000)
          : 0;
      const gated = context.gated(cluster);
      if (!gated) {
        warnings.push(
          `${cluster}: no Prometheus configured, its waves are not gated`,
        );
      }
      if (waves.length === 0) {
        warnings.push(
          `${cluster}: nothing to do, every namespace already runs ${target.revision}`,
        );
      }
      const estimatedSeconds =
        waitSeconds + estimateSeconds(waves, gated ? gateSeconds : 0);
      ringSeconds = Math.max(ringSeconds, estimatedSeconds);
      requests += waves.reduce((n, w) => n + w.requests.length, 0);
      clusters.push({
        cluster,
        revision: target.revision,
        fromRevisions,
        state: 'pending',
        windows,
        ...(!state.open && state.opensAt
          ? { nextWindowAt: state.opensAt.toISOString() }
          : {}),
        gated,
        podsInScope,
        podsOnTarget: 0,
        retries: 0,
        estimatedSeconds,
        waves,
      });
    }
    elapsed += ringSeconds + (index < rings.length - 1 ? soak : 0);
    planned.push({
      index,
      name: ring.name,
      state: 'pending',
      continueOnUnreachable: ring.continueOnUnreachable,
      clusters,
    });
  }
  return {
    plan: {
      targetVersion: spec.targetVersion,
      rings: planned,
      requests,
      estimatedSeconds: elapsed,
      warnings,
    },
    problems,
  };
}
