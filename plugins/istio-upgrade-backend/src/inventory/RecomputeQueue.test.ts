import { RecomputeQueue } from './RecomputeQueue';

const turn = () => new Promise<void>(resolve => setImmediate(resolve));
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('RecomputeQueue', () => {
  it('runs each marked key once after the delay, in the order marked, one per turn of the event loop', async () => {
    const ran: string[] = [];
    const queue = new RecomputeQueue(key => ran.push(key), {
      delayMs: 30,
      onError: () => undefined,
    });
    queue.mark('b');
    queue.mark('a');
    queue.mark('b');
    queue.mark('c');
    await sleep(10);
    expect(ran).toEqual([]);
    await sleep(40);
    expect(ran).toEqual(['b', 'a', 'c']);
    expect(queue.size).toBe(0);
    queue.stop();
  });

  it('lets other work in between two jobs', async () => {
    const events: string[] = [];
    let now = 0;
    const queue = new RecomputeQueue(key => events.push(`job ${key}`), {
      delayMs: 0,
      onError: () => undefined,
      now: () => now,
    });
    queue.mark('a');
    queue.mark('b');
    queue.mark('c');
    now = 1;
    // Each job runs in its own macrotask: an immediate queued after the first job runs before the next.
    await turn();
    events.push('other work');
    await turn();
    await turn();
    await turn();
    expect(events).toEqual(['job a', 'other work', 'job b', 'job c']);
    queue.stop();
  });

  it('runs a key marked during its own job again, forgets dropped keys, reports errors and stops', async () => {
    const ran: string[] = [];
    const errors: string[] = [];
    let again = true;
    const queue: RecomputeQueue = new RecomputeQueue(
      key => {
        ran.push(key);
        if (key === 'a' && again) {
          again = false;
          queue.mark('a');
        }
        if (key === 'boom') throw new Error('bad records');
      },
      {
        delayMs: 5,
        onError: (key, error) => errors.push(`${key}: ${error}`),
      },
    );
    queue.mark('a');
    queue.mark('gone');
    queue.mark('boom');
    queue.forget('gone');
    await sleep(50);
    expect(ran).toEqual(['a', 'boom', 'a']);
    expect(errors).toEqual(['boom: Error: bad records']);
    queue.stop();
    queue.mark('late');
    await sleep(20);
    expect(ran).toEqual(['a', 'boom', 'a']);
  });

  it('rests after each job so that jobs take at most their share of the time', async () => {
    const ran: string[] = [];
    let now = 0;
    const queue = new RecomputeQueue(
      key => {
        ran.push(key);
        now += 10; // each job takes 10 ms
      },
      { delayMs: 0, cpuShare: 0.5, onError: () => undefined, now: () => now },
    );
    queue.mark('a');
    queue.mark('b');
    await turn();
    expect(ran).toEqual(['a']);
    // 10 ms of work at a share of one half: nothing before another 10 ms have passed.
    await sleep(30);
    expect(ran).toEqual(['a']);
    now = 20;
    await sleep(30);
    expect(ran).toEqual(['a', 'b']);
    queue.stop();
  });
});
