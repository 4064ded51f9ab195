import { LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RequestPlanner } from '../RequestPlanner';
import { RequestStore } from '../RequestStore';
import { RequestSettings } from '../requestConfig';
import {
  RequestExecution,
  RequestObserver,
  RunInterrupted,
} from './RequestExecution';

/**
 * Runs approved requests on this replica, each under a lease in the database that is renewed while it
 * runs. A replica that dies stops renewing; once its lease expires, the sweep of another replica (or of
 * this one after a restart) takes the request over with a higher fencing token and resumes it from its
 * first unfinished step. A request is never run by two replicas at once.
 */
export class RequestRunner {
  /** This replica's identity in leases. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<
    string,
    { controller: AbortController; done: Promise<void> }
  >();
  private stopping = false;

  constructor(
    private readonly options: {
      store: RequestStore;
      planner: RequestPlanner;
      settings: RequestSettings;
      logger: LoggerService;
      observer: RequestObserver;
    },
  ) {}

  /** Requests running here now. */
  get active(): string[] {
    return [...this.running.keys()];
  }

  /** Tries to start a request at once (after it was created approved, or approved). */
  poke(id: string): void {
    this.tryRun(id).catch(error =>
      this.options.logger.warn(`Could not start request ${id}: ${error}`),
    );
  }

  /** Takes every runnable request whose lease is free or expired, up to the concurrency limit. */
  async sweep(): Promise<void> {
    if (this.stopping) return;
    const { store, settings } = this.options;
    const free = settings.maxConcurrentRequests - this.running.size;
    if (free <= 0) return;
    for (const id of await store.findRunnable(free * 2)) {
      await this.tryRun(id).catch(error =>
        this.options.logger.warn(`Could not start request ${id}: ${error}`),
      );
    }
  }

  /**
   * Whether this replica sees the cluster's full inventory. Steps judge the cluster from it, so a
   * replica that has just started (or re-added the cluster) leaves the request to a later sweep rather
   * than judging it from a partial inventory.
   */
  private async inventoryComplete(cluster: string): Promise<boolean> {
    const inventory = await this.options.planner.inventory(cluster);
    return inventory.cluster.sync.complete;
  }

  private async tryRun(id: string): Promise<void> {
    const { store, settings, logger } = this.options;
    if (
      this.stopping ||
      this.running.has(id) ||
      this.running.size >= settings.maxConcurrentRequests
    ) {
      return;
    }
    const pending = await store.get(id);
    if (
      !pending ||
      !['approved', 'running'].includes(pending.state) ||
      !(await this.inventoryComplete(pending.cluster))
    ) {
      return;
    }
    const lease = await store.acquireLease(id, this.owner, settings.leaseTtlMs);
    if (!lease) return;
    const controller = new AbortController();
    const renew = setInterval(() => {
      store
        .renewLease(id, lease, settings.leaseTtlMs)
        .then(held => {
          if (!held) controller.abort(new RunInterrupted('the lease was lost'));
        })
        .catch(error =>
          logger.warn(`Renewing the lease of ${id} failed: ${error}`),
        );
    }, Math.max(200, Math.floor(settings.leaseTtlMs / 3)));
    const done = (async () => {
      try {
        const request = await store.get(id);
        if (!request || !['approved', 'running'].includes(request.state))
          return;
        await new RequestExecution(request, lease, {
          ...this.options,
          signal: controller.signal,
        }).run();
      } catch (error) {
        if (error instanceof RunInterrupted) {
          logger.info(
            `Request ${id} interrupted on ${this.owner}: ${error.message}`,
          );
        } else {
          logger.error(
            `Request ${id} stopped on an unexpected error; it will be resumed`,
            error as Error,
          );
        }
      } finally {
        clearInterval(renew);
        // The lease expires on its own if it cannot be given back now.
        await store
          .releaseLease(id, lease)
          .catch(error =>
            logger.warn(`Releasing the lease of ${id} failed: ${error}`),
          );
        this.running.delete(id);
      }
    })();
    this.running.set(id, { controller, done });
  }

  /** Stops running requests between writes and gives their leases back, for another replica. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const { controller } of this.running.values()) {
      controller.abort(new RunInterrupted('this replica is shutting down'));
    }
    await Promise.all([...this.running.values()].map(r => r.done));
  }
}
