import { randomBytes } from 'node:crypto';
import { resourceTypeNamed } from '../api/resourceTypes';
import { KubeObject } from '../store/kubeObject';
import { ObjectStore } from '../store/objectStore';

const events = resourceTypeNamed('events');

/**
 * Most Events the recorder keeps per cluster, the oldest deleted first: a bound on memory under
 * fast churn that a real cluster does not have. Events also expire after their TTL
 * (EventExpiry, kube-apiserver's `--event-ttl`), whichever comes first.
 */
const maxEvents = 2000;

/**
 * Records core/v1 Events as controllers do: a repeated event (same object, reason and
 * message) bumps `count` and `lastTimestamp` instead of creating a new object.
 *
 * @public
 */
export class EventRecorder {
  private readonly byKey = new Map<
    string,
    { namespace: string; name: string }
  >();
  private readonly order: string[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => string,
  ) {}

  record(
    object: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
  ) {
    const namespace = object.metadata.namespace ?? 'default';
    const key = `${object.metadata.uid}|${reason}|${message}`;
    const time = this.now();
    const known = this.byKey.get(key);
    const existing =
      known && this.store.get(events, known.namespace, known.name);
    if (existing) {
      this.store.replace(events, {
        ...existing,
        count: (existing.count ?? 1) + 1,
        lastTimestamp: time,
      });
      return;
    }
    const name = `${object.metadata.name}.${randomBytes(8).toString('hex')}`;
    this.store.create(events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace } as unknown as KubeObject['metadata'],
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason,
      message,
      source: { component },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: '',
    });
    this.byKey.set(key, { namespace, name });
    this.order.push(key);
    while (this.order.length > maxEvents) {
      const oldest = this.order.shift()!;
      const ref = this.byKey.get(oldest);
      this.byKey.delete(oldest);
      if (ref && this.store.get(events, ref.namespace, ref.name)) {
        this.store.remove(events, ref.namespace, ref.name);
      }
    }
  }
}
