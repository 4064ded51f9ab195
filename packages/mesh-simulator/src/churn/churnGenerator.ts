import { resourceTypeNamed } from '../api/resourceTypes';
import { badRequest } from '../api/statusErrors';
import { SimClock } from '../clock/simClock';
import { SimulatedCluster } from '../cluster/simulatedCluster';
import { managedFieldsEntry, withManagedFields } from '../api/managedFields';
import { KubeObject } from '../store/kubeObject';

const deployments = resourceTypeNamed('deployments');

/** The annotation `kubectl rollout restart` sets on the pod template. */
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';

/** The highest target the generator accepts (pod changes per second, fleet-wide). */
export const maxPodChangesPerSecond = 100000;

/**
 * How far the generator may fall behind its target, in seconds of target: a stalled event loop
 * (a full GC of a large heap, a busy neighbour on the machine) leaves up to this much to make
 * up afterwards; anything beyond is dropped, so a process suspended for minutes does not come
 * back to an avalanche of restarts.
 */
export const maxBacklogSeconds = 30;

/**
 * How fast a backlog is made up: at most this many times the target while behind (the target
 * itself plus the same again of backlog), so catching up after a stall does not issue the
 * whole backlog in one tick and stall the loop again.
 */
const catchUpFactor = 2;

/** The longest gap between two ticks that counts in full towards one tick's allowance. */
const maxTickSeconds = 0.25;

/** Namespaces whose Deployments are never restarted: control planes, gateways, the system. */
const skippedNamespaces = new Set([
  'istio-system',
  'istio-gateways',
  'istio-ingress',
  'istio-egress',
  'istio-cni',
  'sail-operator',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

/** Labels that mark a Deployment as a gateway or a control plane, wherever it lives. */
const skippedLabels = [
  'istio',
  'istio.io/gateway-name',
  'gateway.networking.k8s.io/gateway-name',
  'operator.istio.io/component',
];

/**
 * What the churn generator reports (`GET /sim/v1/churn`). Rates are per second of the
 * simulated clock, which is real time at speed 1.
 *
 * @public
 */
export interface ChurnStatus {
  running: boolean;
  /** The target: pods created plus pods deleted per second, fleet-wide (0 when stopped). */
  podChangesPerSecond: number;
  /** Pods created plus deleted per second over the last window (or since the start when shorter). */
  achievedPodChangesPerSecond: number;
  windowSeconds: number;
  /** Rollout restarts issued since the generator started. */
  restartsIssued: number;
  /** The pod changes those restarts should make (2 × replicas each). */
  expectedPodChanges: number;
  /** Pods created plus deleted, seen on the clusters' stores since the start. */
  podChangesObserved: number;
  podsCreated: number;
  podsDeleted: number;
  /** Deployments passed over because their previous rollout had not finished. */
  skippedBusy: number;
  /** Deployments the generator restarts, fleet-wide, at the last scan. */
  workloads: number;
  /** Simulated time the generator started (RFC 3339), when it has run. */
  startedAt?: string;
  /** Simulated seconds since the start (until the stop when stopped). */
  elapsedSeconds: number;
  /**
   * Pod changes due by the target but not yet issued as restarts (0 when on pace): what the
   * generator will make up after a stall, at up to twice the target, capped at
   * {@link maxBacklogSeconds} of target.
   */
  backlogPodChanges: number;
}

/**
 * Reads `{ podChangesPerSecond }` from a request body; answers 400 for a missing, negative,
 * zero, non-finite or absurd (above {@link maxPodChangesPerSecond}) rate.
 */
export function parseChurnRequest(body: unknown): number {
  const rate = (body as { podChangesPerSecond?: unknown } | undefined)
    ?.podChangesPerSecond;
  if (typeof rate !== 'number' || !Number.isFinite(rate)) {
    throw badRequest('podChangesPerSecond must be a number');
  }
  if (!(rate > 0) || rate > maxPodChangesPerSecond) {
    throw badRequest(
      `podChangesPerSecond must be above 0 and at most ${maxPodChangesPerSecond}, got ${rate}`,
    );
  }
  return rate;
}

/** Whether the generator may restart a Deployment. */
export function isChurnable(d: KubeObject): boolean {
  if (skippedNamespaces.has(d.metadata.namespace ?? '')) return false;
  const labels = d.metadata.labels ?? {};
  if (skippedLabels.some(l => l in labels)) return false;
  if (labels.app === 'istiod' || d.metadata.name.startsWith('istiod'))
    return false;
  return (d.spec?.replicas ?? 1) > 0;
}

/** Whether a Deployment's last rollout is still going (restarting it again would stack rollouts). */
function rollingOut(d: KubeObject): boolean {
  const replicas = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) < (d.metadata.generation ?? 1) ||
    (s.updatedReplicas ?? 0) < replicas ||
    (s.replicas ?? 0) > replicas ||
    (s.availableReplicas ?? 0) < replicas
  );
}

/**
 * The Deployments of one cluster in the order the generator restarts them: the first of every
 * namespace, then the second of every namespace, and so on, so consecutive restarts spread
 * over namespaces.
 */
function restartOrder(cluster: SimulatedCluster): string[] {
  const byNamespace = new Map<string, string[]>();
  for (const d of cluster.store.list(deployments)) {
    if (!isChurnable(d)) continue;
    const ns = d.metadata.namespace!;
    let names = byNamespace.get(ns);
    if (!names) byNamespace.set(ns, (names = []));
    names.push(d.metadata.name);
  }
  const out: string[] = [];
  const lists = [...byNamespace.entries()];
  const longest = Math.max(0, ...lists.map(([, names]) => names.length));
  for (let i = 0; i < longest; i++) {
    for (const [ns, names] of lists) {
      if (i < names.length) out.push(`${ns}/${names[i]}`);
    }
  }
  return out;
}

interface ClusterCursor {
  cluster: SimulatedCluster;
  order: string[];
  next: number;
}

/**
 * Rolling restarts across the fleet at a set rate of pod changes per second, as a fleet's
 * daily deploys would make them: each restart patches a Deployment's pod template with
 * `kubectl.kubernetes.io/restartedAt` as `kubectl rollout restart` does, and the Deployment
 * and ReplicaSet controllers then create and delete the pods, so watchers see ordinary watch
 * events. Workloads are picked round-robin over clusters, and within a cluster over
 * namespaces; istio-system, gateway namespaces, gateways and control planes are skipped, as
 * are Deployments still rolling from an earlier restart. A restart of an N-replica Deployment
 * counts as 2N expected pod changes; the generator issues restarts on the simulated clock so
 * expected changes keep pace with the target, makes up what a stalled event loop left undone
 * (at up to twice the target, at most {@link maxBacklogSeconds} of it), and reports the pod
 * changes it actually observes on the stores.
 *
 * @public
 */
export class ChurnGenerator {
  private rate = 0;
  private credit = 0;
  private lastTick = 0;
  private startedAt?: number;
  private stoppedAt?: number;
  private cursors: ClusterCursor[] = [];
  private clusterTurn = 0;
  private unsubscribe: Array<() => void> = [];
  /** Observed pod changes per tenth of a simulated second: [tenth, count], oldest first. */
  private buckets: Array<[number, number]> = [];
  private counters = {
    restartsIssued: 0,
    expectedPodChanges: 0,
    podsCreated: 0,
    podsDeleted: 0,
    skippedBusy: 0,
  };

  constructor(
    private readonly clusters: Map<string, SimulatedCluster>,
    private readonly clock: SimClock,
    private readonly windowSeconds = 10,
  ) {}

  /** Whether restarts are being issued. */
  get running(): boolean {
    return this.rate > 0;
  }

  /**
   * Starts the churn at `podChangesPerSecond`, or changes the target of a running churn
   * (keeping its counters). Throws a 400 error for a rate {@link parseChurnRequest} refuses.
   */
  start(podChangesPerSecond: number): ChurnStatus {
    const rate = parseChurnRequest({ podChangesPerSecond });
    const now = this.clock.now();
    if (!this.running) {
      this.counters = {
        restartsIssued: 0,
        expectedPodChanges: 0,
        podsCreated: 0,
        podsDeleted: 0,
        skippedBusy: 0,
      };
      this.buckets = [];
      this.credit = 0;
      this.startedAt = now;
      this.stoppedAt = undefined;
      this.lastTick = now;
      this.cursors = [...this.clusters.values()].map(cluster => ({
        cluster,
        order: restartOrder(cluster),
        next: 0,
      }));
      this.clusterTurn = 0;
      this.subscribe();
    }
    this.rate = rate;
    return this.status();
  }

  /** Stops issuing restarts (rollouts under way finish); the status keeps the last figures. */
  stop(): ChurnStatus {
    if (this.running) {
      this.rate = 0;
      this.stoppedAt = this.clock.now();
      for (const u of this.unsubscribe) u();
      this.unsubscribe = [];
    }
    return this.status();
  }

  /** The target and what the generator achieved. */
  status(): ChurnStatus {
    const now = this.stoppedAt ?? this.clock.now();
    const elapsed =
      this.startedAt === undefined ? 0 : (now - this.startedAt) / 1000;
    // Changes are counted per tenth of a second, so the window's edge cuts at most one tenth
    // (it used to count whole seconds and leave out the one the window starts in, which read
    // up to a second's changes low on a 10-s window: about 975/s for a steady 1,000).
    const since = (now / 1000 - this.windowSeconds) * 10;
    let inWindow = 0;
    for (const [tenth, count] of this.buckets) {
      if (tenth >= since) inWindow += count;
    }
    const span = Math.min(this.windowSeconds, elapsed);
    const c = this.counters;
    return {
      running: this.running,
      podChangesPerSecond: this.rate,
      achievedPodChangesPerSecond:
        span > 0 ? Math.round((inWindow / span) * 10) / 10 : 0,
      windowSeconds: this.windowSeconds,
      restartsIssued: c.restartsIssued,
      expectedPodChanges: c.expectedPodChanges,
      podChangesObserved: c.podsCreated + c.podsDeleted,
      podsCreated: c.podsCreated,
      podsDeleted: c.podsDeleted,
      skippedBusy: c.skippedBusy,
      workloads: this.cursors.reduce((n, cur) => n + cur.order.length, 0),
      startedAt:
        this.startedAt === undefined
          ? undefined
          : new Date(this.startedAt).toISOString(),
      elapsedSeconds: Math.round(elapsed * 10) / 10,
      backlogPodChanges: this.running
        ? Math.max(0, Math.round(this.credit))
        : 0,
    };
  }

  /**
   * Issues the restarts due since the last tick. The simulator calls it on every controller
   * tick. What is due accumulates as credit (pod changes), so the time a stalled event loop
   * lost is made up afterwards rather than lost: up to {@link maxBacklogSeconds} of target is
   * kept, and one tick spends at most `catchUpFactor` times the target over its interval (the
   * interval counted up to a quarter second), so a stall turns into a few seconds at up to
   * twice the rate, not into one burst.
   */
  tick() {
    if (!this.running) return;
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.lastTick) / 1000;
    this.lastTick = now;
    this.credit = Math.min(
      this.credit + elapsed * this.rate,
      maxBacklogSeconds * this.rate,
    );
    // A tick may spend its own share and as much again of backlog; at least one restart's
    // worth is allowed whenever credit is due, so slow targets still move.
    const allowance =
      catchUpFactor * this.rate * Math.min(elapsed, maxTickSeconds);
    let spent = 0;
    // Every Deployment at most once per tick: when all are busy, wait for the next tick.
    let budget = this.cursors.reduce((n, cur) => n + cur.order.length, 0);
    while (
      this.credit > 0 &&
      budget > 0 &&
      (spent === 0 || spent < allowance)
    ) {
      const restarted = this.restartNext();
      budget--;
      if (restarted === undefined) continue;
      this.credit -= restarted;
      spent += restarted;
    }
  }

  /** Restarts the next workload in turn; the pod changes expected, or undefined when skipped. */
  private restartNext(): number | undefined {
    const cursor = this.cursors[this.clusterTurn % this.cursors.length];
    this.clusterTurn = (this.clusterTurn + 1) % this.cursors.length;
    if (cursor.next >= cursor.order.length) {
      // A lap is done: pick up Deployments created or deleted since.
      cursor.order = restartOrder(cursor.cluster);
      cursor.next = 0;
      if (cursor.order.length === 0) return undefined;
    }
    const [namespace, name] = cursor.order[cursor.next++].split('/');
    const d = cursor.cluster.store.get(deployments, namespace, name);
    if (!d || !isChurnable(d)) return undefined;
    if (rollingOut(d) || d.spec?.paused) {
      this.counters.skippedBusy++;
      return undefined;
    }
    this.restart(cursor.cluster, d);
    const expected = 2 * (d.spec?.replicas ?? 1);
    this.counters.restartsIssued++;
    this.counters.expectedPodChanges += expected;
    return expected;
  }

  /** What `kubectl rollout restart deployment/<name>` writes. */
  private restart(cluster: SimulatedCluster, d: KubeObject) {
    const time = new Date(this.clock.now()).toISOString();
    const at = time.replace(/\.\d+Z$/, 'Z');
    const template = d.spec.template ?? {};
    cluster.store.replace(deployments, {
      ...d,
      metadata: {
        ...d.metadata,
        managedFields: withManagedFields(
          d.metadata.managedFields,
          managedFieldsEntry('kubectl-rollout', 'apps/v1', at, {
            'f:spec': {
              'f:template': {
                'f:metadata': {
                  'f:annotations': {
                    [`f:${restartedAtAnnotation}`]: {},
                  },
                },
              },
            },
          }),
        ),
      },
      spec: {
        ...d.spec,
        template: {
          ...template,
          metadata: {
            ...(template.metadata ?? {}),
            annotations: {
              ...(template.metadata?.annotations ?? {}),
              // Milliseconds, so two restarts within one second still roll.
              [restartedAtAnnotation]: time,
            },
          },
        },
      },
    });
  }

  private subscribe() {
    for (const cluster of this.clusters.values()) {
      this.unsubscribe.push(
        cluster.store.subscribe(change => {
          if (change.typeKey !== 'pods') return;
          if (change.type === 'ADDED') this.counters.podsCreated++;
          else if (change.type === 'DELETED') this.counters.podsDeleted++;
          else return;
          this.observe();
        }),
      );
    }
  }

  private observe() {
    const tenth = Math.floor(this.clock.now() / 100);
    const last = this.buckets[this.buckets.length - 1];
    if (last && last[0] === tenth) {
      last[1]++;
      return;
    }
    this.buckets.push([tenth, 1]);
    const oldest = tenth - this.windowSeconds * 10 - 1;
    let drop = 0;
    while (drop < this.buckets.length && this.buckets[drop][0] < oldest) drop++;
    if (drop > 0) this.buckets.splice(0, drop);
  }
}
