import { ConflictError, InputError } from '@backstage/errors';
import {
  CampaignCluster,
  CampaignPlan,
  CampaignRing,
  CampaignWave,
  ClusterInventory,
  isFinalRequestState,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { createHash } from 'node:crypto';
import { StoredRequest } from '../../requests/RequestStore';
import {
  CampaignLease,
  CampaignStore,
  NamespaceSchedule,
  NewCampaignEvent,
  StoredCampaign,
} from '../CampaignStore';
import {
  CampaignGateSubject,
  CampaignGateThresholds,
  gateResult,
} from './campaignGate';
import { CampaignRef, CampaignWorld } from './campaignWorld';

/** Clusters of a ring advanced at once in a step, and requests of a wave made at once. */
const CLUSTERS_AT_ONCE = 8;
const REQUESTS_AT_ONCE = 4;

/** Runs `fn` on every item, at most `limit` at a time; the results in the items' order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/** How the engine behaves: retries of an unreachable cluster, and the gate's defaults. */
export interface CampaignEngineSettings {
  unreachableRetries: number;
  gate: CampaignGateThresholds;
  notifyAheadSeconds: number;
  soakSeconds: number;
}

const DONE_CLUSTER = new Set<CampaignCluster['state']>([
  'done',
  'skipped',
  'failed',
  'unreachable',
  'rolled-back',
]);
const FINISHED_WAVE = new Set<CampaignWave['state']>([
  'succeeded',
  'skipped',
  'rolled-back',
  'failed',
]);

/** The idempotency key of a request a campaign makes: the same step asked twice gets the same request. */
export function campaignRequestKey(
  campaignId: string,
  cluster: string,
  wave: number,
  target: unknown,
  type: string,
): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([cluster, wave, type, target]))
    .digest('hex')
    .slice(0, 24);
  return `campaign-${campaignId}-${digest}`;
}

function scheduleKey(cluster: string, namespace: string): string {
  return `${cluster}/${namespace}`;
}

/** Seconds as a short duration in words. */
function inWords(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * One step of a campaign, run under its lease: it reads the campaign and the world, moves every
 * cluster of the ring in progress as far as it can without waiting (start a wave in an open window,
 * follow its requests, judge its gate, roll it back), then the ring (soak, ring gate, next ring), and
 * saves the progress with the lease's fencing token. Each step is idempotent: requests are made with
 * idempotency keys, so a step cut short by a crash is simply run again by whichever replica takes the
 * lease next.
 */
export class CampaignStep {
  private readonly events: NewCampaignEvent[] = [];
  private pauseReason: string | undefined;
  private readonly plan: CampaignPlan;
  private readonly ref: CampaignRef;
  private readonly schedules = new Map<string, NamespaceSchedule>();

  constructor(
    private readonly campaign: StoredCampaign,
    private readonly options: {
      store: CampaignStore;
      world: CampaignWorld;
      settings: CampaignEngineSettings;
      lease: CampaignLease;
    },
  ) {
    this.plan = JSON.parse(JSON.stringify(campaign.plan));
    this.ref = {
      id: campaign.id,
      name: campaign.name,
      requestedBy: campaign.requestedBy,
      approvedBy: campaign.decidedBy ?? campaign.requestedBy,
    };
  }

  private get now(): Date {
    return this.options.world.now();
  }

  private event(type: string, message: string, cluster?: string): void {
    this.events.push({ type, message, ...(cluster ? { cluster } : {}) });
  }

  private pause(reason: string): void {
    if (!this.pauseReason) this.pauseReason = reason;
  }

  private get thresholds(): CampaignGateThresholds {
    const gate = this.campaign.spec.gate ?? {};
    const d = this.options.settings.gate;
    return {
      windowSeconds: gate.windowSeconds ?? d.windowSeconds,
      max5xxIncreasePoints: gate.max5xxIncreasePoints ?? d.max5xxIncreasePoints,
      maxP99IncreasePercent:
        gate.maxP99IncreasePercent ?? d.maxP99IncreasePercent,
    };
  }

  /** Runs the step and saves what it did; false when the lease was lost meanwhile (nothing saved). */
  async run(): Promise<boolean> {
    const { store, lease } = this.options;
    const { campaign } = this;
    for (const s of await store.schedules(campaign.id)) {
      this.schedules.set(scheduleKey(s.cluster, s.namespace), s);
    }
    let state = campaign.state;
    if (state === 'approved') {
      const moved = await store.transition(
        campaign.id,
        ['approved'],
        'running',
        { startedAt: this.now.toISOString(), currentRing: 0 },
        { type: 'state', message: 'Started' },
        lease,
      );
      if (!moved) return false;
      state = 'running';
    }
    this.applySkips();
    const index = campaign.currentRing ?? 0;
    const ring = this.plan.rings[index];
    if (state === 'aborting') {
      const finished = ring ? await this.abortRing(ring) : true;
      return this.save(finished ? 'aborted' : undefined, index);
    }
    if (!ring) return this.save('succeeded', index);
    if (ring.state === 'pending') await this.startRing(ring);
    if (ring.state === 'running') {
      // Clusters move independently: one step advances them all at once (a wave that would start
      // after another cluster paused the campaign in this step does not, see startWave).
      await mapLimit(ring.clusters, CLUSTERS_AT_ONCE, cluster =>
        this.advanceCluster(cluster),
      );
      if (!this.pauseReason) this.finishRingIfDone(ring);
    }
    let nextRing = index;
    if (ring.state === 'soaking' && !this.pauseReason) {
      if (await this.soakDone(ring)) {
        ring.state = 'succeeded';
        this.event('ring', `Ring ${ring.name} succeeded`);
        nextRing = index + 1;
        if (nextRing >= this.plan.rings.length) {
          return this.save('succeeded', nextRing);
        }
      }
    }
    if (
      !this.pauseReason &&
      campaign.pauseRequested &&
      !this.waveInFlight(ring)
    ) {
      this.pause('paused on request; the waves in progress finished');
    }
    return this.save(this.pauseReason ? 'paused' : undefined, nextRing);
  }

  /** Whether a cluster still in the ring has a wave in progress (a skipped or unreachable one's is no longer followed). */
  private waveInFlight(ring: CampaignRing): boolean {
    return ring.clusters.some(
      c =>
        !DONE_CLUSTER.has(c.state) &&
        c.waves.some(w => w.state === 'running' || w.state === 'gating'),
    );
  }

  private async save(
    to: StoredCampaign['state'] | undefined,
    currentRing: number,
  ): Promise<boolean> {
    const { store, lease } = this.options;
    const { campaign } = this;
    await store.appendEvents(campaign.id, this.events, lease);
    const change = {
      plan: this.plan,
      currentRing,
      ...(to === 'paused'
        ? { pausedReason: this.pauseReason, pauseRequested: false }
        : {}),
    };
    if (!to) return store.update(campaign.id, change, lease);
    const final = to !== 'paused';
    const moved = await store.transition(
      campaign.id,
      [campaign.state === 'approved' ? 'running' : campaign.state],
      to,
      { ...change, ...(final ? { finishedAt: this.now.toISOString() } : {}) },
      {
        type: 'state',
        message:
          {
            paused: `Paused: ${this.pauseReason}`,
            succeeded: 'Every ring succeeded',
          }[to as string] ?? `Campaign ${to}`,
      },
      lease,
    );
    if (moved) {
      await this.options.world
        .notify({
          campaign: this.ref,
          platform: true,
          title: `Istio campaign "${campaign.name}" ${to}`,
          description:
            to === 'paused'
              ? this.pauseReason!
              : `The campaign to ${campaign.targetVersion} is ${to}.`,
        })
        .catch(() => undefined);
    }
    return moved;
  }

  /** Clusters someone asked to skip leave the campaign (their finished waves stay). */
  private applySkips(): void {
    const skips = new Set(this.campaign.skipRequested);
    if (skips.size === 0) return;
    for (const ring of this.plan.rings) {
      for (const cluster of ring.clusters) {
        if (!skips.has(cluster.cluster) || cluster.state === 'skipped')
          continue;
        cluster.state = 'skipped';
        for (const w of cluster.waves) {
          if (w.state === 'pending') w.state = 'skipped';
        }
        this.event(
          'cluster',
          `Cluster ${cluster.cluster} skipped`,
          cluster.cluster,
        );
      }
    }
    this.options.store
      .clearSkips(this.campaign.id, [...skips], this.options.lease)
      .catch(() => undefined);
  }

  /** A ring starts: every owner of a namespace in it is told when their wave comes. */
  private async startRing(ring: CampaignRing): Promise<void> {
    ring.state = 'running';
    this.event('ring', `Ring ${ring.name} started`);
    const { store, world } = this.options;
    const at = this.now.toISOString();
    const ahead =
      this.campaign.spec.notifyAheadSeconds ??
      this.options.settings.notifyAheadSeconds;
    const marked = new Set(
      (
        await store.markNotifiedMany(
          this.campaign.id,
          ring.clusters.flatMap(c =>
            c.waves.flatMap(w =>
              w.namespaces.map(ns => ({
                cluster: c.cluster,
                namespace: ns.namespace,
              })),
            ),
          ),
          at,
        )
      ).map(n => scheduleKey(n.cluster, n.namespace)),
    );
    for (const cluster of ring.clusters) {
      for (const w of cluster.waves) {
        const fresh = w.namespaces.filter(ns =>
          marked.has(scheduleKey(cluster.cluster, ns.namespace)),
        );
        for (const ns of fresh) {
          const key = scheduleKey(cluster.cluster, ns.namespace);
          // Keep what owners already changed (a deferral or opt-in made before the ring started).
          this.schedules.set(key, {
            ...this.schedules.get(key),
            campaignId: this.campaign.id,
            cluster: cluster.cluster,
            namespace: ns.namespace,
            notifiedAt: at,
          });
        }
        const owners = [...new Set(fresh.flatMap(ns => ns.owners))];
        if (owners.length === 0) continue;
        await world.notify({
          campaign: this.ref,
          cluster: cluster.cluster,
          owners,
          title: `Istio upgrade of ${fresh
            .map(ns => ns.namespace)
            .join(', ')} on ${cluster.cluster}`,
          description: `Campaign ${
            this.campaign.name
          } migrates these namespaces to ${cluster.revision} in wave ${
            w.index + 1
          }, not before ${inWords(
            ahead,
          )} from now and only in the cluster's maintenance windows. You may defer once, or opt into an earlier wave.`,
        });
        this.event(
          'notified',
          `Owners of ${fresh.map(ns => ns.namespace).join(', ')} told of wave ${
            w.index + 1
          }`,
          cluster.cluster,
        );
      }
    }
  }

  private async advanceCluster(cluster: CampaignCluster): Promise<void> {
    if (DONE_CLUSTER.has(cluster.state)) return;
    let inventory: ClusterInventory;
    try {
      inventory = await this.options.world.inventory(cluster.cluster);
      const sync = inventory.cluster.sync;
      if (
        !sync.error &&
        !sync.complete &&
        (sync.state === 'pending' || sync.state === 'syncing')
      ) {
        // This replica's first listing of the cluster is under way and nothing has failed yet (it
        // just started, or took the campaign over from one that died): wait, it is no failed retry.
        // A list that fails sets the sync's error, and the retries count from then.
        cluster.message = `waiting for this replica's first inventory of ${cluster.cluster}`;
        return;
      }
      if (sync.error || !sync.complete) {
        throw new Error(sync.error ?? 'inventory not synced');
      }
    } catch (error) {
      cluster.retries = (cluster.retries ?? 0) + 1;
      cluster.message = `unreachable (${cluster.retries}/${
        this.options.settings.unreachableRetries
      }): ${(error as Error).message}`;
      if (cluster.retries > this.options.settings.unreachableRetries) {
        cluster.state = 'unreachable';
        this.event(
          'cluster',
          `Cluster ${cluster.cluster} marked unreachable after ${
            cluster.retries - 1
          } retries`,
          cluster.cluster,
        );
      }
      return;
    }
    cluster.retries = 0;
    cluster.podsOnTarget = this.podsOnTarget(cluster, inventory);
    this.applyOptIns(cluster);
    this.applyDeferrals(cluster);
    const wave = cluster.waves.find(w => !FINISHED_WAVE.has(w.state));
    if (!wave) {
      cluster.state = 'done';
      delete cluster.message;
      this.event('cluster', `Cluster ${cluster.cluster} done`, cluster.cluster);
      return;
    }
    if (wave.state === 'pending') await this.startWave(cluster, wave);
    else if (wave.state === 'running') await this.followWave(cluster, wave);
    else if (wave.state === 'gating')
      await this.judgeWave(cluster, wave, inventory);
  }

  private podsOnTarget(
    cluster: CampaignCluster,
    inventory: ClusterInventory,
  ): number {
    const planned = new Set(
      cluster.waves.flatMap(w => w.namespaces.map(ns => ns.namespace)),
    );
    return inventory.namespaces
      .filter(ns => planned.has(ns.name))
      .reduce(
        (n, ns) =>
          n +
          ns.podsByRevision
            .filter(r => r.revision === cluster.revision)
            .reduce((m, r) => m + r.count, 0),
        0,
      );
  }

  /** A namespace whose owner opted in moves into the earliest namespace wave that has not started, unless deferred. */
  private applyOptIns(cluster: CampaignCluster): void {
    const earliest = cluster.waves.find(
      w => w.kind === 'namespaces' && w.state === 'pending',
    );
    if (!earliest) return;
    for (const w of cluster.waves) {
      if (w === earliest || w.kind !== 'namespaces' || w.state !== 'pending')
        continue;
      for (const ns of [...w.namespaces]) {
        const s = this.schedules.get(
          scheduleKey(cluster.cluster, ns.namespace),
        );
        if (!s?.optedInBy) continue;
        // A deferral that still holds wins (else the two would move the namespace back and forth).
        if (s.deferredUntil && Date.parse(s.deferredUntil) > this.now.getTime())
          continue;
        this.moveNamespace(w, earliest, ns.namespace);
        this.event(
          'opt-in',
          `${ns.namespace} moved into wave ${earliest.index + 1} (opted in by ${
            s.optedInBy
          })`,
          cluster.cluster,
        );
      }
    }
  }

  /** A deferred namespace leaves its pending wave for a wave of deferred namespaces after the others. */
  private applyDeferrals(cluster: CampaignCluster): void {
    const now = this.now.getTime();
    for (const w of cluster.waves) {
      if (
        w.kind !== 'namespaces' ||
        w.state !== 'pending' ||
        w.message?.startsWith('deferred')
      )
        continue;
      for (const ns of [...w.namespaces]) {
        const s = this.schedules.get(
          scheduleKey(cluster.cluster, ns.namespace),
        );
        if (!s?.deferredUntil || Date.parse(s.deferredUntil) <= now) continue;
        let target = cluster.waves.find(
          x =>
            x.kind === 'namespaces' &&
            x.state === 'pending' &&
            x.message === `deferred until ${s.deferredUntil}`,
        );
        if (!target) {
          const lastNamespaces = cluster.waves.reduce(
            (i, x, j) => (x.kind === 'namespaces' ? j : i),
            -1,
          );
          target = {
            index: 0,
            kind: 'namespaces',
            state: 'pending',
            namespaces: [],
            requests: [],
            requestIds: [],
            message: `deferred until ${s.deferredUntil}`,
          };
          cluster.waves.splice(lastNamespaces + 1, 0, target);
          cluster.waves.forEach((x, i) => {
            x.index = i;
          });
        }
        this.moveNamespace(w, target, ns.namespace);
        this.event(
          'deferred',
          `${ns.namespace} deferred until ${s.deferredUntil} by ${s.deferredBy}`,
          cluster.cluster,
        );
      }
    }
    // A wave that every namespace left is skipped.
    for (const w of cluster.waves) {
      if (
        w.kind === 'namespaces' &&
        w.state === 'pending' &&
        w.namespaces.length === 0
      ) {
        w.state = 'skipped';
        w.message = 'every namespace moved to another wave';
      }
    }
  }

  private moveNamespace(
    from: CampaignWave,
    to: CampaignWave,
    namespace: string,
  ): void {
    const i = from.namespaces.findIndex(ns => ns.namespace === namespace);
    const j = from.requests.findIndex(r => r.target.namespace === namespace);
    if (i < 0) return;
    to.namespaces.push(...from.namespaces.splice(i, 1));
    if (j >= 0) to.requests.push(...from.requests.splice(j, 1));
  }

  private async startWave(
    cluster: CampaignCluster,
    wave: CampaignWave,
  ): Promise<void> {
    const { world } = this.options;
    if (this.campaign.pauseRequested) return;
    const now = this.now;
    const window = world.windowState(cluster.windows, now);
    if (!window.open) {
      if (cluster.state !== 'waiting-window') {
        this.event(
          'window',
          `${cluster.cluster} waits for its maintenance window${
            window.opensAt ? ` (opens ${window.opensAt.toISOString()})` : ''
          }`,
          cluster.cluster,
        );
      }
      cluster.state = 'waiting-window';
      if (window.opensAt) cluster.nextWindowAt = window.opensAt.toISOString();
      return;
    }
    delete cluster.nextWindowAt;
    if (wave.message?.startsWith('deferred until ')) {
      const until = Date.parse(wave.message.slice('deferred until '.length));
      if (until > now.getTime()) {
        cluster.message = `wave ${wave.index + 1} is deferred until ${new Date(
          until,
        ).toISOString()}`;
        return;
      }
    }
    if (wave.kind === 'namespaces') {
      const ahead =
        this.campaign.spec.notifyAheadSeconds ??
        this.options.settings.notifyAheadSeconds;
      const notYet = wave.namespaces
        .map(
          ns =>
            this.schedules.get(scheduleKey(cluster.cluster, ns.namespace))
              ?.notifiedAt,
        )
        .map(at => (at ? Date.parse(at) + ahead * 1000 : Infinity))
        .reduce((a, b) => Math.max(a, b), 0);
      if (notYet > now.getTime()) {
        cluster.state = 'running';
        cluster.message = Number.isFinite(notYet)
          ? `wave ${
              wave.index + 1
            } starts after its owners' notice, at ${new Date(
              notYet,
            ).toISOString()}`
          : `wave ${wave.index + 1} waits for its owners to be told`;
        return;
      }
    }
    if (this.pauseReason) return;
    cluster.state = 'running';
    // The wave's requests are independent (one per namespace, Service or tag): made a few at once.
    const made = await mapLimit(wave.requests, REQUESTS_AT_ONCE, planned =>
      world
        .createRequest(this.ref, {
          type: planned.type,
          cluster: planned.cluster,
          revision: planned.revision,
          target: planned.target,
          idempotencyKey: campaignRequestKey(
            this.campaign.id,
            cluster.cluster,
            wave.index,
            planned.target,
            planned.type,
          ),
          comment: `Campaign ${this.campaign.name}, ring ${
            this.campaign.currentRing ?? 0
          }, wave ${wave.index + 1}: ${planned.summary}`,
        })
        .then(
          request => ({ planned, request }),
          (error: Error) => ({ planned, error }),
        ),
    );
    const ids = made.flatMap(m => ('request' in m ? [m.request.id] : []));
    const refused = made.find(
      m => 'error' in m && m.error instanceof InputError,
    );
    if (refused && 'error' in refused) {
      wave.state = 'failed';
      wave.message = refused.error.message;
      wave.requestIds = ids;
      cluster.state = 'failed';
      this.pause(
        `${cluster.cluster}, wave ${wave.index + 1}: ${
          refused.planned.summary
        } was refused: ${refused.error.message}`,
      );
      return;
    }
    const busy = made.find(
      m => 'error' in m && m.error instanceof ConflictError,
    );
    if (busy && 'error' in busy) {
      // Someone else's request holds a target: the wave waits for it. The requests made meanwhile
      // run, and the next step finds them again by their idempotency keys.
      cluster.message = `wave ${wave.index + 1} waits: ${busy.error.message}`;
      return;
    }
    const failed = made.find(m => 'error' in m);
    if (failed && 'error' in failed) throw failed.error;
    wave.requestIds = ids;
    wave.state = 'running';
    wave.startedAt = now.toISOString();
    delete cluster.message;
    this.event(
      'wave',
      `${cluster.cluster}: wave ${wave.index + 1} (${wave.kind}) started with ${
        ids.length
      } request(s)`,
      cluster.cluster,
    );
  }

  private originals(
    wave: CampaignWave,
    requests: Map<string, StoredRequest>,
  ): StoredRequest[] {
    return wave.requestIds
      .map(id => requests.get(id))
      .filter((r): r is StoredRequest => Boolean(r) && !r!.rollbackOf);
  }

  private async followWave(
    cluster: CampaignCluster,
    wave: CampaignWave,
  ): Promise<void> {
    const requests = await this.options.world.requests(wave.requestIds);
    const originals = this.originals(wave, requests);
    if (originals.some(r => !isFinalRequestState(r.state))) {
      const migrated = originals.reduce((n, r) => n + r.podsMigrated, 0);
      const scope = originals.reduce((n, r) => n + r.podsInScope, 0);
      cluster.message = `wave ${
        wave.index + 1
      }: ${migrated}/${scope} pods migrated`;
      return;
    }
    const bad = originals.filter(r => r.state !== 'succeeded');
    wave.finishedAt = this.now.toISOString();
    if (bad.length > 0) {
      wave.state = 'failed';
      cluster.state = 'failed';
      wave.message = bad
        .map(r => `${r.id} ${r.state}${r.error ? `: ${r.error}` : ''}`)
        .join('; ');
      await this.rollBack(
        wave,
        originals.filter(r => r.state === 'succeeded'),
      );
      this.pause(
        `${cluster.cluster}, wave ${wave.index + 1} failed: ${wave.message}`,
      );
      return;
    }
    const gated = wave.kind === 'namespaces' || wave.kind === 'gateways';
    if (gated && cluster.gated) {
      wave.state = 'gating';
      cluster.message = `wave ${wave.index + 1}: health gate at ${new Date(
        this.now.getTime() + this.thresholds.windowSeconds * 1000,
      ).toISOString()}`;
    } else {
      wave.state = 'succeeded';
      delete cluster.message;
      this.event(
        'wave',
        `${cluster.cluster}: wave ${wave.index + 1} succeeded${
          gated ? ' (not gated: no Prometheus configured)' : ''
        }`,
        cluster.cluster,
      );
    }
  }

  private subjects(
    wave: CampaignWave,
    inventory: ClusterInventory,
  ): CampaignGateSubject[] {
    if (wave.kind === 'namespaces') {
      return wave.namespaces.map(ns => ({
        kind: 'namespace',
        namespace: ns.namespace,
      }));
    }
    return wave.requests.flatMap(r => {
      const svc = inventory.gatewayServices.find(
        s => s.namespace === r.target.namespace && s.name === r.target.service,
      );
      return svc?.live
        ? [
            {
              kind: 'gateway' as const,
              namespace: svc.live.namespace,
              name: svc.live.name,
            },
          ]
        : [];
    });
  }

  private async judgeWave(
    cluster: CampaignCluster,
    wave: CampaignWave,
    inventory: ClusterInventory,
  ): Promise<void> {
    const thresholds = this.thresholds;
    const due = Date.parse(wave.finishedAt!) + thresholds.windowSeconds * 1000;
    if (this.now.getTime() < due) return;
    const verdicts = await this.options.world.gate.judge(
      cluster.cluster,
      this.subjects(wave, inventory),
      new Date(Date.parse(wave.startedAt!)),
      this.now,
      thresholds,
    );
    const result = gateResult(verdicts, this.now);
    wave.gate = result;
    this.event(
      'gate',
      `${cluster.cluster}: wave ${wave.index + 1} gate ${result.outcome}: ${
        result.reason
      }`,
      cluster.cluster,
    );
    if (result.outcome === 'passed') {
      wave.state = 'succeeded';
      delete cluster.message;
      return;
    }
    if (result.outcome === 'unknown') {
      this.pause(
        `${cluster.cluster}, wave ${
          wave.index + 1
        }: the health gate could not judge: ${result.reason}`,
      );
      return;
    }
    const requests = await this.options.world.requests(wave.requestIds);
    await this.rollBack(
      wave,
      this.originals(wave, requests).filter(r => r.state === 'succeeded'),
    );
    wave.state = 'rolled-back';
    cluster.state = 'failed';
    this.pause(
      `Health gate failed on ${cluster.cluster}, wave ${
        wave.index + 1
      }; the wave is rolled back. ${result.reason}`,
    );
  }

  /** Asks for the rollback of each request (once: the rollback's key is the request's). */
  private async rollBack(
    wave: CampaignWave,
    requests: StoredRequest[],
  ): Promise<void> {
    for (const r of [...requests].reverse()) {
      const rollback = await this.options.world.rollbackRequest(this.ref, r.id);
      if (!wave.requestIds.includes(rollback.id))
        wave.requestIds.push(rollback.id);
      this.event(
        'request',
        `Rollback ${rollback.id} of ${r.id} asked`,
        r.cluster,
      );
    }
  }

  private finishRingIfDone(ring: CampaignRing): void {
    if (!ring.clusters.every(c => DONE_CLUSTER.has(c.state))) return;
    const failed = ring.clusters.filter(c => c.state === 'failed');
    if (failed.length > 0) {
      this.pause(
        `Ring ${ring.name}: ${failed
          .map(c => c.cluster)
          .join(', ')} failed; skip them or abort`,
      );
      return;
    }
    const unreachable = ring.clusters.filter(c => c.state === 'unreachable');
    if (unreachable.length > 0 && !ring.continueOnUnreachable) {
      this.pause(
        `Ring ${ring.name}: ${unreachable
          .map(c => c.cluster)
          .join(
            ', ',
          )} stayed unreachable; the ring's policy stops the campaign (skip them to go on)`,
      );
      return;
    }
    const soak =
      this.campaign.spec.soakSeconds ?? this.options.settings.soakSeconds;
    ring.state = 'soaking';
    ring.soakUntil = new Date(this.now.getTime() + soak * 1000).toISOString();
    this.event('soak', `Ring ${ring.name} soaks until ${ring.soakUntil}`);
  }

  /** Soak is over when its time has passed, every pod in scope runs the target, and the ring's gate is green. */
  private async soakDone(ring: CampaignRing): Promise<boolean> {
    if (this.now.getTime() < Date.parse(ring.soakUntil!)) return false;
    const verdicts = [];
    for (const cluster of ring.clusters) {
      if (cluster.state !== 'done') continue;
      let inventory: ClusterInventory;
      try {
        inventory = await this.options.world.inventory(cluster.cluster);
      } catch {
        return false;
      }
      const planned = new Set(
        cluster.waves
          .filter(w => w.state === 'succeeded')
          .flatMap(w => w.namespaces.map(ns => ns.namespace)),
      );
      const behind = inventory.namespaces.filter(
        ns =>
          planned.has(ns.name) &&
          ns.podsByRevision.some(
            r => r.revision !== cluster.revision && r.count > 0,
          ),
      );
      cluster.podsOnTarget = this.podsOnTarget(cluster, inventory);
      if (behind.length > 0) {
        ring.gate = undefined;
        this.event(
          'soak',
          `Ring ${ring.name} waits: pods in ${behind
            .map(ns => ns.name)
            .join(', ')} on ${cluster.cluster} do not run ${
            cluster.revision
          } yet`,
        );
        return false;
      }
      if (!cluster.gated || planned.size === 0) continue;
      const started = cluster.waves
        .map(w => w.startedAt)
        .filter((x): x is string => Boolean(x))
        .sort()[0];
      if (!started) continue;
      verdicts.push(
        ...(await this.options.world.gate.judge(
          cluster.cluster,
          [...planned].map(namespace => ({
            kind: 'namespace' as const,
            namespace,
          })),
          new Date(Date.parse(started)),
          this.now,
          this.thresholds,
        )),
      );
    }
    const result = gateResult(verdicts, this.now);
    ring.gate = result;
    if (result.outcome !== 'passed') {
      this.pause(
        `Ring ${ring.name}'s health gate is not green after the soak: ${result.reason}`,
      );
      return false;
    }
    return true;
  }

  /**
   * Abort: every request of the ring in progress is rolled back, newest wave first (a wave's rollbacks
   * are asked once the newer waves of its cluster are rolled back); pending waves are skipped.
   */
  private async abortRing(ring: CampaignRing): Promise<boolean> {
    let finished = true;
    for (const cluster of ring.clusters) {
      const requests = await this.options.world.requests(
        cluster.waves.flatMap(w => w.requestIds),
      );
      for (const wave of [...cluster.waves].reverse()) {
        if (wave.state === 'pending') {
          wave.state = 'skipped';
          continue;
        }
        const originals = this.originals(wave, requests);
        if (originals.some(r => !isFinalRequestState(r.state))) {
          finished = false;
          break;
        }
        const toUndo = originals.filter(
          r => r.state === 'succeeded' && !r.rolledBackBy,
        );
        if (toUndo.length > 0) {
          await this.rollBack(wave, toUndo);
          finished = false;
          break;
        }
        const rollbacks = wave.requestIds
          .map(id => requests.get(id))
          .filter(r => r?.rollbackOf);
        if (rollbacks.some(r => !isFinalRequestState(r!.state))) {
          finished = false;
          break;
        }
        if (originals.length > 0) wave.state = 'rolled-back';
      }
      if (finished && !['skipped', 'pending'].includes(cluster.state))
        cluster.state = 'rolled-back';
    }
    if (finished) {
      ring.state = 'aborted';
      this.event('ring', `Ring ${ring.name} rolled back`);
    }
    return finished;
  }
}
