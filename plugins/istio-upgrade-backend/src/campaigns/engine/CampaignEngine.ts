import { LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CampaignStore } from '../CampaignStore';
import { CampaignEngineSettings, CampaignStep } from './CampaignStep';
import { CampaignWorld } from './campaignWorld';

/**
 * Moves approved campaigns forward, one step at a time, on whichever replica takes a campaign's lease.
 * Each sweep takes the lease of every runnable campaign that is free, runs one {@link CampaignStep}
 * and releases it: a campaign's state lives in the database only, so a replica that dies mid-step
 * leaves nothing behind but an expiring lease, and the next sweep (on any replica) runs the step again.
 */
export class CampaignEngine {
  /** This replica's identity in leases. */
  readonly owner = `${hostname()}:${process.pid}:campaigns:${randomUUID().slice(
    0,
    8,
  )}`;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      store: CampaignStore;
      world: CampaignWorld;
      settings: CampaignEngineSettings;
      logger: LoggerService;
      /** How long a step may hold a campaign before another replica may take it over. */
      leaseTtlMs?: number;
    },
  ) {}

  /** Runs one step of every runnable campaign whose lease is free (a sweep already running is awaited instead). */
  async sweep(): Promise<void> {
    if (this.stopped) return;
    if (!this.sweeping) {
      this.sweeping = this.sweepOnce().finally(() => {
        this.sweeping = undefined;
      });
    }
    await this.sweeping;
  }

  /**
   * Sweeps every `intervalMs` until stopped. The engine keeps its own timer rather than a scheduler
   * task: a campaign waits on clocks (windows, notices, gates, soak) at a granularity of seconds, and
   * its state is in the database, so the timer is only what wakes this replica up.
   */
  start(intervalMs: number): void {
    const tick = () => {
      if (this.stopped) return;
      this.sweep()
        .catch(error =>
          this.options.logger.warn(`Campaign sweep failed: ${error}`),
        )
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, intervalMs);
          this.timer.unref?.();
        });
    };
    this.timer = setTimeout(tick, intervalMs);
    this.timer.unref?.();
  }

  /** Stops taking campaigns, after the step in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const { store } = this.options;
    for (const id of await store.findRunnable(20)) {
      if (this.stopped) return;
      await this.step(id).catch(error =>
        this.options.logger.warn(`Campaign ${id}: step failed: ${error}`),
      );
    }
  }

  /** Runs one step of a campaign under its lease; false when another replica holds it. */
  async step(id: string): Promise<boolean> {
    const { store, world, settings, logger } = this.options;
    const ttl = this.options.leaseTtlMs ?? 60_000;
    const lease = await store.acquireLease(id, this.owner, ttl);
    if (!lease) return false;
    try {
      const campaign = await store.get(id);
      if (!campaign) return false;
      const saved = await new CampaignStep(campaign, {
        store,
        world,
        settings,
        lease,
      }).run();
      if (!saved) {
        logger.warn(
          `Campaign ${id}: lease lost during a step; another replica runs it again`,
        );
      }
      return saved;
    } finally {
      await store.releaseLease(id, lease);
    }
  }
}
