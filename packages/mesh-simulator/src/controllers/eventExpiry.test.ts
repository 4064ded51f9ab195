import { resourceTypeNamed } from '../api/resourceTypes';
import { KubeObject } from '../store/kubeObject';
import { Change, ObjectStore } from '../store/objectStore';
import { startTestSimulator } from '../testing/simulatorClient';
import { ControllerLoop } from './controllerLoop';
import { defaultEventTtlMs, EventExpiry } from './eventExpiry';

const events = resourceTypeNamed('events');
const configMaps = resourceTypeNamed('configmaps');
const minute = 60 * 1000;

function event(name: string, count = 1): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { namespace: 'default', name },
    reason: 'Test',
    message: name,
    count,
  } as unknown as KubeObject;
}

describe('EventExpiry', () => {
  /** A store, loop and expiry on a clock the test moves by hand. */
  function setup() {
    let now = 1_000_000;
    const store = new ObjectStore(1000, () => new Date(now));
    const loop = new ControllerLoop(
      () => now,
      (_c, _k, error) => {
        throw error;
      },
    );
    const expiry = new EventExpiry(store, loop, () => now, defaultEventTtlMs);
    const deleted: Change[] = [];
    store.subscribe(c => {
      if (c.type === 'DELETED') deleted.push(c);
    });
    const at = (ms: number) => {
      now = 1_000_000 + ms;
      loop.runOnce();
    };
    const names = () => store.list(events).map(e => e.metadata.name);
    return { store, expiry, deleted, at, names };
  }

  it('deletes an Event an hour of simulated time after its last write, and a watch sees DELETED', () => {
    const { store, expiry, deleted, at, names } = setup();
    store.create(events, event('a'));
    at(10 * minute);
    store.create(events, event('b'));
    store.create(configMaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'default', name: 'kept' },
    } as unknown as KubeObject);
    at(30 * minute);
    // A repeated event bumps its count: its TTL starts again, as each write's lease does.
    store.replace(events, { ...store.get(events, 'default', 'a')!, count: 2 });
    expect(expiry.pending).toBe(2);

    at(60 * minute);
    expect(names()).toEqual(['a', 'b']);
    at(70 * minute - 1);
    expect(names()).toEqual(['a', 'b']);
    at(70 * minute);
    expect(names()).toEqual(['a']);
    expect(deleted.map(c => c.key)).toEqual(['default/b']);
    const revisionBefore = Number(
      deleted[0].previous!.metadata.resourceVersion,
    );
    expect(Number(deleted[0].object.metadata.resourceVersion)).toBe(
      deleted[0].revision,
    );
    expect(deleted[0].revision).toBeGreaterThan(revisionBefore);

    at(90 * minute);
    expect(names()).toEqual([]);
    expect(deleted.map(c => c.key)).toEqual(['default/b', 'default/a']);
    expect(expiry.pending).toBe(0);
    expect(store.get(configMaps, 'default', 'kept')).toBeDefined();
  });

  it('forgets an Event deleted before its TTL, and expires Events written later', () => {
    const { store, expiry, deleted, at, names } = setup();
    store.create(events, event('early'));
    store.remove(events, 'default', 'early');
    expect(expiry.pending).toBe(0);
    at(61 * minute);
    expect(deleted).toHaveLength(1);
    store.create(events, event('late'));
    at(120 * minute);
    expect(names()).toEqual(['late']);
    at(121 * minute);
    expect(names()).toEqual([]);
  });

  it('refuses a TTL that is not positive', () => {
    const store = new ObjectStore(10, () => new Date());
    const loop = new ControllerLoop(Date.now, () => {});
    expect(() => new EventExpiry(store, loop, Date.now, 0)).toThrow(/TTL/);
  });
});

describe('Event TTL in a running simulator', () => {
  jest.setTimeout(60000);

  it('expires an Event created through the API after --event-ttl, with DELETED on a watch', async () => {
    const t = await startTestSimulator({ eventTtlSeconds: 1 });
    try {
      const created = await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces/default/events',
        event('expiring'),
      );
      expect(created.status).toBe(201);
      const rv = created.body.metadata.resourceVersion;
      const watch = await t.request(
        'GET',
        `/clusters/seed/api/v1/namespaces/default/events?watch=true&resourceVersion=${rv}&timeoutSeconds=4`,
      );
      const seen = watch.text
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line));
      expect(
        seen.find(
          e => e.type === 'DELETED' && e.object.metadata.name === 'expiring',
        ),
      ).toBeDefined();
      const after = await t.request(
        'GET',
        '/clusters/seed/api/v1/namespaces/default/events/expiring',
      );
      expect(after.status).toBe(404);
    } finally {
      await t.stop();
    }
  });
});
