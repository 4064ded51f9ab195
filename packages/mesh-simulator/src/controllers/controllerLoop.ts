/**
 * A reconciler: called with the key of an object whose state may need work.
 *
 * @public
 */
export type Reconciler = (key: string) => void;

/**
 * Runs the cluster's controllers: work queues fed by store changes (level triggered, as
 * controllers read current state when they run) and timers on the simulated clock for
 * time-driven transitions (a pod becoming ready, a progress deadline passing).
 *
 * @public
 */
export class ControllerLoop {
  private readonly reconcilers = new Map<string, Reconciler>();
  private pending = new Map<string, Set<string>>();
  private timers: Array<{ at: number; controller: string; key: string }> = [];
  private running = false;

  constructor(
    private readonly now: () => number,
    private readonly onError: (
      controller: string,
      key: string,
      error: unknown,
    ) => void,
  ) {}

  register(controller: string, reconciler: Reconciler) {
    this.reconcilers.set(controller, reconciler);
    this.pending.set(controller, new Set());
  }

  /** Asks `controller` to look at `key` on the next pass. */
  enqueue(controller: string, key: string) {
    this.pending.get(controller)?.add(key);
  }

  /** Asks `controller` to look at `key` once the simulated clock reaches `at` (ms). */
  enqueueAt(controller: string, key: string, at: number) {
    const timer = { at, controller, key };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1].at > at) i--;
    this.timers.splice(i, 0, timer);
  }

  /** True when no queued work is waiting (timers in the future do not count). */
  idle(): boolean {
    for (const keys of this.pending.values()) {
      if (keys.size > 0) return false;
    }
    return true;
  }

  /** Moves due timers into the queues and processes queues until they are empty. */
  runOnce(maxPasses = 1000) {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.now();
      while (this.timers.length > 0 && this.timers[0].at <= now) {
        const t = this.timers.shift()!;
        this.enqueue(t.controller, t.key);
      }
      for (let pass = 0; pass < maxPasses && !this.idle(); pass++) {
        for (const [controller, keys] of this.pending) {
          if (keys.size === 0) continue;
          const batch = [...keys];
          keys.clear();
          const reconcile = this.reconcilers.get(controller)!;
          for (const key of batch) {
            try {
              reconcile(key);
            } catch (error) {
              // One broken object must not stop the other controllers.
              this.onError(controller, key, error);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
