/**
 * Runs a job per key (a cluster's inventory computation) once changes to it have settled for
 * `delayMs`, in the order the keys were marked, ONE job per turn of the event loop: between two jobs
 * the loop serves requests and reads watch events. With a thousand pod changes a second across 200
 * clusters, every cluster is marked all the time; jobs started from one timer each ran back to back
 * and held requests for seconds. A key marked again while waiting keeps its place; a key marked
 * while its job runs waits again.
 *
 * Jobs take at most `cpuShare` of the time while keys keep coming (a job of d ms is followed by
 * d × (1 − share) / share ms without one): under churn every cluster is computed less often rather
 * than the process falling behind on watch events and requests.
 */
export class RecomputeQueue {
  /** Keys waiting, with when each is due (marked order is due order: the delay is the same for all). */
  private readonly due = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private stopped = false;
  /** No job starts before this time: the rest after the last job. */
  private restUntil = 0;

  constructor(
    private readonly job: (key: string) => void,
    private readonly options: {
      delayMs: number;
      /** The share of time jobs may take, above 0 and at most 1 (1: no rest). */
      cpuShare?: number;
      onError: (key: string, error: unknown) => void;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** How many keys wait. */
  get size(): number {
    return this.due.size;
  }

  /** Asks for the key's job to run after the delay (unless it already waits). */
  mark(key: string): void {
    if (this.stopped || this.due.has(key)) return;
    this.due.set(key, this.now() + this.options.delayMs);
    this.arm();
  }

  /** Drops a waiting key (its cluster is gone). */
  forget(key: string): void {
    this.due.delete(key);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.due.clear();
  }

  private arm(): void {
    if (this.stopped || this.timer || this.immediate) return;
    const first = this.due.values().next();
    if (first.done) return;
    const wait = Math.max(first.value, this.restUntil) - this.now();
    if (wait <= 0) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.runOne();
      });
    } else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.runOne();
      }, wait);
    }
  }

  private runOne(): void {
    const first = this.due.entries().next();
    const started = this.now();
    if (!first.done && Math.max(first.value[1], this.restUntil) <= started) {
      const [key] = first.value;
      this.due.delete(key);
      try {
        this.job(key);
      } catch (error) {
        this.options.onError(key, error);
      }
      const share = this.options.cpuShare ?? 1;
      const took = this.now() - started;
      this.restUntil = this.now() + (took * (1 - share)) / share;
    }
    this.arm();
  }
}
