import { resourceTypeNamed, typeKey } from '../api/resourceTypes';
import { Change, ObjectStore } from '../store/objectStore';
import { ControllerLoop } from './controllerLoop';

const events = resourceTypeNamed('events');
const eventsTypeKey = typeKey(events);
const controller = 'event-ttl';

/** kube-apiserver's default `--event-ttl`: one hour, in milliseconds. */
export const defaultEventTtlMs = 60 * 60 * 1000;

/**
 * Expires Events a fixed time after their last write, as kube-apiserver stores them: every
 * create or update of an Event is written with an etcd lease of `--event-ttl` (so a repeated
 * event's count bump starts its hour again), and when the lease runs out etcd deletes the key
 * and watchers receive DELETED. Here the TTL runs on the simulated clock and the expiry is an
 * ordinary store removal, so watches see DELETED with a new resourceVersion. Every Event
 * expires this way, those controllers record and those clients create alike.
 *
 * @public
 */
export class EventExpiry {
  /**
   * Event key ("namespace/name") → simulated ms at which it expires. A write deletes and
   * re-adds its key, so the Map's order is write order, which is expiry order (the TTL is
   * fixed and the simulated clock never goes back): a sweep stops at the first live one.
   */
  private readonly expiresAt = new Map<string, number>();
  /** When the sweep timer is due, while one is queued. */
  private scheduledAt: number | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly loop: ControllerLoop,
    private readonly now: () => number,
    private readonly ttlMs: number = defaultEventTtlMs,
  ) {
    if (!(ttlMs > 0)) {
      throw new Error(`the event TTL must be positive, got ${ttlMs} ms`);
    }
    loop.register(controller, () => this.sweep());
    store.subscribe(change => this.observe(change));
  }

  /** Events waiting to expire (for tests and statistics). */
  get pending(): number {
    return this.expiresAt.size;
  }

  private observe(change: Change) {
    if (change.typeKey !== eventsTypeKey) return;
    this.expiresAt.delete(change.key);
    if (change.type === 'DELETED') return;
    const at = this.now() + this.ttlMs;
    this.expiresAt.set(change.key, at);
    if (this.scheduledAt === undefined) this.schedule(at);
  }

  private schedule(at: number) {
    this.scheduledAt = at;
    this.loop.enqueueAt(controller, '', at);
  }

  /** Removes every Event whose TTL has passed, then waits for the next one. */
  private sweep() {
    this.scheduledAt = undefined;
    const now = this.now();
    for (const [key, at] of this.expiresAt) {
      if (at > now) {
        this.schedule(at);
        return;
      }
      // Removing reports DELETED to observe(), which deletes the key from the Map too.
      this.expiresAt.delete(key);
      const slash = key.indexOf('/');
      const namespace = key.slice(0, slash);
      const name = key.slice(slash + 1);
      if (this.store.get(events, namespace, name)) {
        this.store.remove(events, namespace, name);
      }
    }
  }
}
