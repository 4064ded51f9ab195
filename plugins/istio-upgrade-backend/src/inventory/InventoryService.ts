import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Cluster,
  ClusterInventory,
  EntityIstioView,
  FleetSummary,
  IstioRelease,
  SyncState,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  assembleFleetSummary,
  buildClusterInventory,
  buildEntityView,
  FleetClusterPart,
  summarizeFleetCluster,
} from './engine';
import {
  ClusterDirectory,
  ClusterDirectoryChange,
  ClusterEntry,
  ClusterIdentity,
} from '../clusters/ClusterDirectory';
import { WatcherOptions } from '../kubernetes/ResourceWatcher';
import { isAllowedPrivateHost } from '../clusters/clusterUrlGuard';
import { authorizeInventoryRead } from '../permissions/authorizeInventoryRead';
import { ClusterSync } from './ClusterSync';
import { InventorySettings } from './inventoryConfig';
import { RecomputeQueue } from './RecomputeQueue';

/**
 * The share of the process's time inventory computations may take while clusters keep changing: the
 * rest is for watch events and requests (with 1,000 pod changes a second across 200 clusters, the
 * computations alone would take all of it).
 */
const RECOMPUTE_CPU_SHARE = 0.5;

const UNAVAILABLE: SyncState = { state: 'unavailable', complete: false };

/** What the entity view needs to know of a catalog entity. */
export interface EntitySelection {
  entityRef: string;
  /** A Kubernetes label selector. */
  selector: string;
  namespace?: string;
}

/** A cluster's inventory as last computed, and its row of the fleet summary. */
interface Computed {
  version: number;
  inventory: ClusterInventory;
  fleetPart: FleetClusterPart;
}

/**
 * The inventory of every catalog-registered cluster, kept fresh by one {@link ClusterSync} per cluster
 * and computed from its records after changes settle (at most once per `recomputeDelayMs` per
 * cluster, one cluster per turn of the event loop: {@link RecomputeQueue}), so that reads never do
 * more than serve a cached inventory. The fleet summary is assembled from per-cluster rows, each
 * recomputed only when its cluster changed. A cluster that fails does not hold up the others. Every
 * read checks that the caller may read the inventory.
 */
export class InventoryService {
  private readonly syncs = new Map<string, ClusterSync>();
  private readonly identities = new Map<string, ClusterIdentity>();
  private readonly computed = new Map<string, Computed>();
  private readonly queue: RecomputeQueue;
  private fleet?: { key: string; summary: FleetSummary };
  private readonly listeners: Array<(cluster: string) => void> = [];

  constructor(
    private readonly options: {
      directory: ClusterDirectory;
      logger: LoggerService;
      permissions: PermissionsService;
      settings: InventorySettings;
      releases: IstioRelease[];
      allowPrivateHosts: string[];
      /** Namespaces no request may change, marked as such in the served inventory. */
      protectedNamespaces?: ReadonlyArray<string>;
      timing?: Partial<WatcherOptions>;
    },
  ) {
    this.queue = new RecomputeQueue(
      name => {
        if (!this.syncs.has(name)) return;
        this.compute(name);
        for (const listener of this.listeners) listener(name);
      },
      {
        delayMs: options.settings.recomputeDelayMs,
        cpuShare: RECOMPUTE_CPU_SHARE,
        onError: (name, error) =>
          options.logger.error(
            `Computing the Istio inventory of cluster ${name} failed: ${error}`,
          ),
      },
    );
  }

  /** Reads the catalog's clusters and starts syncing those that can be used. */
  async start(): Promise<void> {
    const entries = await this.options.directory.list();
    this.apply({ added: entries, changed: [], removed: [] });
    // Heard only now: the first read of the catalog (above) would otherwise launch every cluster twice.
    this.options.directory.onChange(change => this.apply(change));
  }

  async stop(): Promise<void> {
    this.queue.stop();
    await Promise.all([...this.syncs.values()].map(s => s.stop()));
    this.syncs.clear();
  }

  /** Hears which cluster's inventory was recomputed. */
  onInventoryChange(listener: (cluster: string) => void): void {
    this.listeners.push(listener);
  }

  private apply(change: ClusterDirectoryChange): void {
    for (const name of change.removed) {
      this.drop(name);
    }
    for (const entry of [...change.added, ...change.changed]) {
      this.drop(entry.cluster.name);
      if (entry.connection) {
        this.launch(entry);
      }
    }
  }

  private drop(name: string): void {
    const sync = this.syncs.get(name);
    if (sync) {
      this.syncs.delete(name);
      sync
        .stop()
        .catch(error =>
          this.options.logger.warn(
            `Stopping the sync of ${name} failed: ${error}`,
          ),
        );
    }
    this.queue.forget(name);
    this.computed.delete(name);
    this.identities.delete(name);
  }

  private launch(entry: ClusterEntry): void {
    const { logger, settings, allowPrivateHosts, timing } = this.options;
    const connection = entry.connection!;
    const sync = new ClusterSync(connection, {
      logger: logger.child({ cluster: connection.name }),
      settings,
      allowPrivateAddress: isAllowedPrivateHost(
        connection.url.hostname,
        allowPrivateHosts,
      ),
      timing,
      onChange: () => this.schedule(connection.name),
    });
    this.syncs.set(connection.name, sync);
    this.identities.set(connection.name, entry.cluster);
    sync.start();
    logger.info(`Syncing the Istio inventory of cluster ${connection.name}`);
  }

  private schedule(name: string): void {
    this.queue.mark(name);
  }

  private syncState(name: string): SyncState {
    const sync = this.syncs.get(name);
    return sync
      ? sync.syncState(Date.now(), this.options.settings.staleAfterMs)
      : UNAVAILABLE;
  }

  private withSync(identity: ClusterIdentity): Cluster {
    return { ...identity, sync: this.syncState(identity.name) };
  }

  private compute(name: string): Computed | undefined {
    const sync = this.syncs.get(name);
    const cluster = this.identities.get(name);
    if (!sync || !cluster) return undefined;
    const version = sync.version;
    const inventory = buildClusterInventory(
      { ...cluster, sync: this.syncState(name) },
      sync.snapshot(),
      { releases: this.options.releases, now: new Date() },
    );
    // The cluster's row of the fleet summary too, now rather than in the middle of a request.
    const computed = {
      version,
      inventory,
      fleetPart: summarizeFleetCluster(inventory),
    };
    this.computed.set(name, computed);
    return computed;
  }

  /** The cluster's cached inventory (computed now if there is none yet) and its current sync state. */
  private computedOf(entry: ClusterEntry): {
    cluster: Cluster;
    computed?: Computed;
  } {
    const cluster = this.withSync(entry.cluster);
    const cached = this.computed.get(entry.cluster.name);
    // A cache computed before every kind was listed must not be served as complete: recompute now.
    const stale =
      !cached ||
      (cluster.sync.complete && !cached.inventory.cluster.sync.complete);
    return {
      cluster,
      computed: stale ? this.compute(entry.cluster.name) : cached,
    };
  }

  private inventoryOf(entry: ClusterEntry): ClusterInventory {
    const { cluster, computed } = this.computedOf(entry);
    return { ...(computed?.inventory ?? empty(cluster)), cluster };
  }

  /**
   * Checks that the caller may read the inventory, as every read here does.
   *
   * @throws NotAllowedError when they may not
   */
  async authorizeRead(credentials: BackstageCredentials): Promise<void> {
    await authorizeInventoryRead(this.options.permissions, credentials);
  }

  /** The catalog's clusters with their sync state. */
  async listClusters(credentials: BackstageCredentials): Promise<Cluster[]> {
    await this.authorizeRead(credentials);
    const entries = await this.options.directory.list();
    return entries.map(e => this.withSync(e.cluster));
  }

  /**
   * One cluster's inventory, as last computed, its namespaces marked protected or not.
   *
   * @throws NotFoundError for a cluster the catalog does not have
   */
  async getInventory(
    name: string,
    credentials: BackstageCredentials,
  ): Promise<ClusterInventory> {
    await this.authorizeRead(credentials);
    return this.clusterInventory(name);
  }

  /**
   * {@link InventoryService.getInventory} for the request engine, whose callers the request service
   * has authorized.
   */
  async clusterInventory(name: string): Promise<ClusterInventory> {
    const inventory = this.inventoryOf(await this.options.directory.get(name));
    const protectedNamespaces = new Set(this.options.protectedNamespaces);
    return {
      ...inventory,
      namespaces: inventory.namespaces.map(n => ({
        ...n,
        protected: protectedNamespaces.has(n.name),
      })),
    };
  }

  /** Every cluster's summary and the fleet's warnings. */
  async getFleet(credentials: BackstageCredentials): Promise<FleetSummary> {
    await this.authorizeRead(credentials);
    const entries = await this.options.directory.list();
    const clusters = entries.map(e => this.computedOf(e));
    const key = clusters
      .map(c => `${c.cluster.name}:${c.computed?.version ?? '-'}`)
      .join(',');
    if (this.fleet?.key !== key) {
      // Each cluster's row was made with its inventory: only the fleet-wide parts are done here.
      const parts = clusters.map(
        ({ cluster, computed }) =>
          computed?.fleetPart ?? summarizeFleetCluster(empty(cluster)),
      );
      this.fleet = { key, summary: assembleFleetSummary(parts, new Date()) };
    }
    // Sync states move with time; the rest only with the inventories.
    const byName = new Map(clusters.map(c => [c.cluster.name, c.cluster]));
    return {
      ...this.fleet.summary,
      clusters: this.fleet.summary.clusters.map(c => ({
        ...c,
        cluster: byName.get(c.cluster.name) ?? c.cluster,
      })),
    };
  }

  /** An entity's workloads across clusters. */
  async getEntityView(
    selection: EntitySelection,
    credentials: BackstageCredentials,
  ): Promise<EntityIstioView> {
    await this.authorizeRead(credentials);
    const entries = await this.options.directory.list();
    return buildEntityView(
      selection,
      entries.map(e => this.inventoryOf(e)),
      { releases: this.options.releases, now: new Date() },
    );
  }

  /** The sync of a cluster, for the request engine's reads and writes. */
  clusterSync(name: string): ClusterSync | undefined {
    return this.syncs.get(name);
  }
}

function empty(cluster: Cluster): ClusterInventory {
  return {
    cluster,
    controlPlanes: [],
    tags: [],
    gateways: [],
    gatewayServices: [],
    namespaces: [],
    workloads: [],
    warnings: [],
    totals: { pods: 0, injectedPods: 0, namespaces: 0, podsNeedingRestart: 0 },
  };
}
