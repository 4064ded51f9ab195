import { RateLimiter } from './RateLimiter';

describe('RateLimiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets a burst through at once, then paces to the rate', async () => {
    let now = 0;
    const limiter = new RateLimiter(10, 2, () => now);
    const granted: number[] = [];
    const record = () => granted.push(now);
    for (let i = 0; i < 5; i++) {
      limiter.acquire().then(record);
    }
    await Promise.resolve();
    expect(granted).toEqual([0, 0]);
    for (let t = 0; t < 3; t++) {
      now += 100;
      jest.advanceTimersByTime(100);
      await Promise.resolve();
    }
    expect(granted).toEqual([0, 0, 100, 200, 300]);
  });

  it('rejects a waiter whose signal aborts, and serves the next one', async () => {
    let now = 0;
    const limiter = new RateLimiter(1, 1, () => now);
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    now += 1000;
    jest.advanceTimersByTime(1000);
    await expect(next).resolves.toBeUndefined();
  });
});
