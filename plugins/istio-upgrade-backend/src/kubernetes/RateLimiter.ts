/**
 * A token bucket: at most `ratePerSecond` acquisitions per second on average, with bursts up to
 * `burst`. Waiters are served in order.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Array<() => void> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves when a request may be sent; rejects if the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) {
      return Promise.reject(signal.reason ?? new Error('aborted'));
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', waiter.abort);
          resolve();
        },
        abort: () => {
          this.queue = this.queue.filter(w => w !== waiter.grant);
          reject(signal?.reason ?? new Error('aborted'));
        },
      };
      const grant = waiter.grant;
      signal?.addEventListener('abort', waiter.abort, { once: true });
      this.queue.push(grant);
      this.drain();
    });
  }

  private refill() {
    const now = this.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.last) / 1000) * this.ratePerSecond,
    );
    this.last = now;
  }

  private drain() {
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()!();
    }
    if (this.queue.length > 0 && !this.timer) {
      const wait = ((1 - this.tokens) / this.ratePerSecond) * 1000;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, Math.max(1, Math.ceil(wait)));
    }
  }
}
