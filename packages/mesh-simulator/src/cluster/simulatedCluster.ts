import { ClusterApiBackend } from '../api/verbs/resourceRequest';
import {
  ResourceType,
  resourceTypeNamed,
  resourceTypes,
  typeKey,
} from '../api/resourceTypes';
import { WatchHub } from '../api/watchStreams';
import { SimClock } from '../clock/simClock';
import { ClusterContext, timestamp } from '../controllers/clusterContext';
import { ControllerLoop } from '../controllers/controllerLoop';
import { registerDaemonSetController } from '../controllers/daemonSetController';
import { registerDeploymentController } from '../controllers/deploymentController';
import { registerEndpointsController } from '../controllers/endpointsController';
import { EventExpiry } from '../controllers/eventExpiry';
import { EventRecorder } from '../controllers/eventRecorder';
import { admitPod, PodFactory } from '../controllers/podFactory';
import { registerPodLifecycle } from '../controllers/podLifecycle';
import {
  registerPodTermination,
  terminatePod,
} from '../controllers/podTermination';
import { registerReplicaSetController } from '../controllers/replicaSetController';
import { registerStatefulSetController } from '../controllers/statefulSetController';
import { FaultConfig } from '../faults/faultRules';
import { RequestHolds } from '../faults/requestHolds';
import { ControlPlanes } from '../istio/controlPlanes';
import { registerGatewayApiDeployer } from '../istio/gatewayApiDeployer';
import { registerSailControllers } from '../sail/sailControllers';
import { KubeObject } from '../store/kubeObject';
import { HistoryRetention, ObjectStore } from '../store/objectStore';
import { IstioMetrics } from '../traffic/istioMetrics';
import { meshWorkloads } from '../traffic/meshWorkloads';
import { FlowSpec, TrafficProbe } from '../traffic/trafficProbe';
import { trafficSeries } from '../traffic/trafficSeries';

/**
 * Options of one simulated cluster.
 *
 * @public
 */
export interface ClusterOptions {
  /** The most changes the history ever holds (watch resumption, paged lists at a revision). */
  historyWindow: number;
  /** Fewer changes to keep once they are older than the retention's fresh span (default: the window). */
  historyRetention?: HistoryRetention;
  bookmarkIntervalMs: number;
  /** Simulated milliseconds an Event lives after its last write (default one hour, as `--event-ttl`). */
  eventTtlMs?: number;
  flows: FlowSpec[];
  probeRatePerSecond?: number;
  log: (message: string) => void;
}

/**
 * Request counts of one cluster, for benchmarks comparing how many API calls clients make.
 *
 * @public
 */
export interface RequestStats {
  total: number;
  byVerb: Record<string, number>;
  byResource: Record<string, number>;
  byVerbAndResource: Record<string, number>;
}

const namespaces = resourceTypeNamed('namespaces');
const typesByKey = new Map(resourceTypes.map(t => [typeKey(t), t]));

/**
 * One simulated cluster: its object store, watches, controllers, Istio behaviour, traffic
 * probe, faults and request statistics.
 *
 * @public
 */
export class SimulatedCluster implements ClusterApiBackend {
  readonly store: ObjectStore;
  readonly watches: WatchHub;
  readonly loop: ControllerLoop;
  readonly controlPlanes: ControlPlanes;
  readonly probe: TrafficProbe;
  /** Istio's standard request metrics of the cluster's proxies, for Prometheus. */
  readonly metrics: IstioMetrics;
  readonly context: ClusterContext;
  /** Deletes Events once their TTL has passed on the simulated clock. */
  readonly eventExpiry: EventExpiry;
  faults: FaultConfig | undefined;
  /** The requests the faults' holds caught. */
  readonly holds = new RequestHolds();
  stats: RequestStats = {
    total: 0,
    byVerb: {},
    byResource: {},
    byVerbAndResource: {},
  };
  private readonly factory: PodFactory;
  private nextClusterIP = 10;
  private nextPodIP = 2;

  constructor(
    readonly name: string,
    readonly clock: SimClock,
    options: ClusterOptions,
  ) {
    this.store = new ObjectStore(
      options.historyWindow,
      () => clock.date(),
      options.historyRetention,
    );
    this.watches = new WatchHub(
      this.store,
      () => clock.now(),
      options.bookmarkIntervalMs,
      () => this.faults?.dropWatchesAfterSeconds,
    );
    this.loop = new ControllerLoop(
      () => clock.now(),
      (controller, key, error) =>
        options.log(
          `${name}: controller ${controller} failed on ${key}: ${
            (error as Error)?.stack ?? error
          }`,
        ),
    );
    this.controlPlanes = new ControlPlanes(this.store);
    this.eventExpiry = new EventExpiry(
      this.store,
      this.loop,
      () => clock.now(),
      options.eventTtlMs,
    );
    const events = new EventRecorder(this.store, () => timestamp(this.context));
    this.context = {
      name,
      store: this.store,
      loop: this.loop,
      clock,
      controlPlanes: this.controlPlanes,
      instant: false,
      allocatePodIP: () => {
        const n = this.nextPodIP++;
        return `10.${244 + (Math.floor(n / 65536) % 8)}.${
          Math.floor(n / 256) % 256
        }.${n % 256}`;
      },
      recordEvent: (object, type, reason, message, component) =>
        events.record(object, type, reason, message, component),
      log: options.log,
    };
    this.factory = new PodFactory(this.context);
    registerPodLifecycle(this.context);
    registerPodTermination(this.context);
    registerReplicaSetController(this.context, this.factory);
    registerDeploymentController(this.context);
    registerStatefulSetController(this.context, this.factory);
    registerDaemonSetController(this.context, this.factory);
    registerEndpointsController(this.context);
    registerGatewayApiDeployer(this.context, () => this.allocateClusterIP());
    registerSailControllers(this.context, {
      allocateClusterIP: () => this.allocateClusterIP(),
      deleteObject: (rt, namespace, objectName) =>
        this.deleteObject(rt, namespace, objectName, 'Background'),
    });
    this.probe = new TrafficProbe(
      this.store,
      this.controlPlanes,
      options.flows,
      () => clock.now(),
      () => this.faults?.unreachable === true,
      options.probeRatePerSecond,
      () =>
        new Map(
          (this.faults?.sidecars ?? []).map(f => [f.revision, f.errorRate]),
        ),
    );
    this.metrics = new IstioMetrics(() =>
      trafficSeries(
        this.store,
        meshWorkloads(this.store),
        options.flows,
        this.faults,
      ),
    );
  }

  now(): Date {
    return this.clock.date();
  }

  allocateClusterIP(): string {
    const n = this.nextClusterIP++;
    return `10.96.${Math.floor(n / 256) % 256}.${n % 256}`;
  }

  admitPod(pod: KubeObject): KubeObject {
    return admitPod(this.context, pod);
  }

  /** Counts a request for the statistics endpoint. */
  countRequest(verb: string, resource: string) {
    const s = this.stats;
    s.total++;
    s.byVerb[verb] = (s.byVerb[verb] ?? 0) + 1;
    s.byResource[resource] = (s.byResource[resource] ?? 0) + 1;
    const key = `${verb} ${resource}`;
    s.byVerbAndResource[key] = (s.byVerbAndResource[key] ?? 0) + 1;
  }

  resetStats() {
    this.stats = {
      total: 0,
      byVerb: {},
      byResource: {},
      byVerbAndResource: {},
    };
  }

  /**
   * Deletes an object, then its dependents as the garbage collector would: with Orphan they
   * lose the owner reference, otherwise those left without a live owner are deleted in turn.
   * Deleting a namespace deletes everything in it.
   */
  deleteObject(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    propagation: string,
    gracePeriodSeconds?: number,
  ): KubeObject {
    if (rt.resource === 'pods') {
      const pod = this.store.get(rt, namespace, name);
      if (pod) return terminatePod(this.context, pod, gracePeriodSeconds);
    }
    const deleted = this.store.remove(rt, namespace, name);
    if (rt.resource === 'namespaces') {
      for (const t of resourceTypes.filter(x => x.namespaced)) {
        for (const o of this.store.list(t, name)) {
          if (this.store.get(t, name, o.metadata.name)) {
            this.deleteObject(t, name, o.metadata.name, 'Background', 0);
          }
        }
      }
    }
    for (const reference of this.store.dependents(deleted.metadata.uid)) {
      const dependent = this.store.getByReference(reference);
      const dependentType = typesByKey.get(
        reference.slice(0, reference.indexOf('|')),
      );
      if (!dependent || !dependentType) continue;
      const others = (dependent.metadata.ownerReferences ?? []).filter(
        o => o.uid !== deleted.metadata.uid,
      );
      if (propagation === 'Orphan') {
        this.store.replace(dependentType, {
          ...dependent,
          metadata: {
            ...dependent.metadata,
            ownerReferences: others.length ? others : undefined,
          },
        });
      } else if (
        !others.some(o => this.ownerExists(o.uid, dependent.metadata.namespace))
      ) {
        this.deleteObject(
          dependentType,
          dependent.metadata.namespace,
          dependent.metadata.name,
          'Background',
        );
      }
    }
    if (rt.resource === 'namespaces') {
      return {
        ...deleted,
        metadata: {
          ...deleted.metadata,
          deletionTimestamp: timestamp(this.context),
        },
        status: { phase: 'Terminating' },
      };
    }
    return deleted;
  }

  private ownerExists(uid: string, namespace: string | undefined): boolean {
    for (const t of resourceTypes) {
      for (const o of this.store.list(
        t,
        t.namespaced ? namespace : undefined,
      )) {
        if (o.metadata.uid === uid) return true;
      }
    }
    return false;
  }

  private lastProbe = 0;

  /**
   * Runs due controller work, lets go of history the retention no longer keeps (an idle
   * cluster too), and sends due probe requests (every 200 ms of real time at most: the probe
   * counts requests in bulk, so an idle fleet of 50 clusters stays cheap).
   */
  tick() {
    this.loop.runOnce();
    this.store.trimHistory(this.clock.now());
    const now = Date.now();
    if (now - this.lastProbe >= 200) {
      this.lastProbe = now;
      this.probe.tick();
    }
  }

  /**
   * Runs the controllers until nothing is left to do with pods starting ready at once, used
   * while a scenario loads so the cluster starts settled.
   */
  settle() {
    this.context.instant = true;
    try {
      this.loop.runOnce(10000);
    } finally {
      this.context.instant = false;
    }
  }

  /** Whether a namespace exists (used by scenario loading). */
  hasNamespace(name: string): boolean {
    return this.store.get(namespaces, undefined, name) !== undefined;
  }
}
