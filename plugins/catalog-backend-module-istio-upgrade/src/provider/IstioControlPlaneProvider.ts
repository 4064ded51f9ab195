import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { FleetCluster } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { controlPlaneEntities } from './controlPlaneEntities';
import { FleetSource } from './IstioUpgradeFleetClient';

/** What was emitted for one cluster: entities by ref, with the JSON they were emitted as. */
type Emitted = Map<string, { entity: Entity; json: string }>;

/** Every this many refreshes the provider sends a full mutation, to heal any drift. */
const FULL_EVERY = 20;

/** Whether a cluster's revisions can be believed (else its entities are kept as they were). */
function trustworthy(c: FleetCluster): boolean {
  return c.cluster.status === 'ready' && c.cluster.sync.complete;
}

/**
 * Emits one `Resource` of type `istio-control-plane` per cluster revision from the istio-upgrade fleet
 * summary, at the task runner's rate: a full mutation on the first refresh (and every twenty
 * refreshes), else a delta of the entities that changed, appeared or went away — nothing when nothing
 * did. A cluster whose inventory is incomplete or unavailable keeps its entities until it is whole
 * again; a cluster the catalog no longer has loses them.
 *
 * @public
 */
export class IstioControlPlaneProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private emitted?: Map<string, Emitted>;
  private refreshes = 0;

  constructor(
    private readonly options: {
      fleet: FleetSource;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
    },
  ) {}

  /** {@inheritdoc @backstage/plugin-catalog-node#EntityProvider.getProviderName} */
  getProviderName(): string {
    return 'istio-upgrade-control-planes';
  }

  /** {@inheritdoc @backstage/plugin-catalog-node#EntityProvider.connect} */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.options.logger.warn(
            `Could not refresh the Istio control planes: ${
              (error as Error).message
            }`,
          );
        }
      },
    });
  }

  /** Reads the fleet and applies what changed since the last refresh. */
  async refresh(): Promise<void> {
    const connection = this.connection;
    if (!connection) {
      throw new Error(`${this.getProviderName()} is not connected`);
    }
    const fleet = await this.options.fleet.getFleet();
    const next = new Map<string, Emitted>();
    for (const fleetCluster of fleet.clusters) {
      const key = fleetCluster.cluster.entityRef;
      if (!trustworthy(fleetCluster)) {
        const kept = this.emitted?.get(key);
        if (kept) next.set(key, kept);
        continue;
      }
      next.set(
        key,
        new Map(
          controlPlaneEntities(fleetCluster).map(entity => [
            stringifyEntityRef(entity),
            { entity, json: JSON.stringify(entity) },
          ]),
        ),
      );
    }

    const deferred = (clusterRef: string, entity: Entity): DeferredEntity => ({
      entity,
      locationKey: `istio-upgrade:${clusterRef}`,
    });
    const previous = this.emitted;
    const full = !previous || this.refreshes % FULL_EVERY === 0;
    this.refreshes++;
    if (full) {
      const entities = [...next].flatMap(([clusterRef, emitted]) =>
        [...emitted.values()].map(e => deferred(clusterRef, e.entity)),
      );
      await connection.applyMutation({ type: 'full', entities });
      this.options.logger.info(
        `Emitted ${entities.length} Istio control planes of ${next.size} clusters`,
      );
    } else {
      const added: DeferredEntity[] = [];
      const removed: Array<{ entityRef: string; locationKey: string }> = [];
      for (const [clusterRef, emitted] of next) {
        const before = previous.get(clusterRef);
        for (const [ref, e] of emitted) {
          if (before?.get(ref)?.json !== e.json) {
            added.push(deferred(clusterRef, e.entity));
          }
        }
      }
      for (const [clusterRef, before] of previous) {
        const now = next.get(clusterRef);
        for (const ref of before.keys()) {
          if (!now?.has(ref)) {
            removed.push({
              entityRef: ref,
              locationKey: `istio-upgrade:${clusterRef}`,
            });
          }
        }
      }
      if (added.length || removed.length) {
        await connection.applyMutation({ type: 'delta', added, removed });
        this.options.logger.info(
          `Istio control planes: ${added.length} added or changed, ${removed.length} removed`,
        );
      }
    }
    this.emitted = next;
  }
}
