import { resourceTypeNamed } from '../api/resourceTypes';
import { KubeObject } from './kubeObject';
import { objectKey, ObjectStore } from './objectStore';

const configMaps = resourceTypeNamed('configmaps');
const namespaces = resourceTypeNamed('namespaces');

/** A small deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Namespaces chosen so that plain prefixes are not key prefixes: "ns-1/…" sorts before
// "ns/…" ('-' is below '/'), "ns1/…" after it, and "n/…" before all.
const namespaceNames = ['ns', 'ns-1', 'ns1', 'n', 'a-very-long-namespace'];
const nameParts = ['a', 'b', 'web', 'web-1', 'web1', 'z', 'pod-7f9c', 'x.y'];

function configMap(namespace: string, name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace, name },
    data: { n: name },
  } as unknown as KubeObject;
}

const keysOf = (objects: KubeObject[]) =>
  objects.map(o => objectKey(o.metadata.namespace, o.metadata.name));

/** What the store answered before keeping keys sorted: every key, sorted, then filtered. */
function naive(
  live: Set<string>,
  namespace?: string,
  after?: string,
): string[] {
  return [...live]
    .sort()
    .filter(k => namespace === undefined || k.startsWith(`${namespace}/`))
    .filter(k => after === undefined || k > after);
}

describe('ObjectStore key order', () => {
  it('lists in sorted key order through interleaved creates and deletes', () => {
    const store = new ObjectStore(100000, () => new Date(0));
    const next = random(7);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
    const live = new Set<string>();
    // What the store served and what a sort of every key gives, checked together at the end.
    const served: Array<{ step: number; list: string; keys: string[] }> = [];
    const expected: typeof served = [];
    const check = (
      step: number,
      list: string,
      objects: KubeObject[],
      keys: string[],
    ) => {
      served.push({ step, list, keys: keysOf(objects) });
      expected.push({ step, list, keys });
    };
    for (let step = 0; step < 3000; step++) {
      const namespace = pick(namespaceNames);
      const name = `${pick(nameParts)}-${Math.floor(next() * 60)}`;
      const key = objectKey(namespace, name);
      if (live.has(key)) {
        store.remove(configMaps, namespace, name);
        live.delete(key);
      } else {
        store.create(configMaps, configMap(namespace, name));
        live.add(key);
      }
      if (step % 50 === 0 || step > 2950) {
        check(step, 'all', store.list(configMaps), naive(live));
        for (const ns of namespaceNames) {
          check(step, ns, store.list(configMaps, ns), naive(live, ns));
        }
        // Paged continuation points: after a live key, after a deleted one, after anything.
        const after = pick([...live, key, 'ns/', 'ns-1/zzz', '']);
        check(
          step,
          `all after ${after}`,
          store.entries(configMaps, undefined, after).map(e => e.object),
          naive(live, undefined, after),
        );
        check(
          step,
          `ns after ${after}`,
          store.entries(configMaps, 'ns', after).map(e => e.object),
          naive(live, 'ns', after),
        );
      }
    }
    expect(served).toEqual(expected);
    expect(served.length).toBeGreaterThan(400);
    expect(store.count(configMaps)).toBe(live.size);
  });

  it('keeps cluster-scoped keys sorted and ignores a namespace for them', () => {
    const store = new ObjectStore(1000, () => new Date(0));
    for (const name of ['m', 'b', 'z', 'a', 'b-1', 'b1']) {
      store.create(namespaces, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      } as unknown as KubeObject);
    }
    store.remove(namespaces, undefined, 'z');
    const names = ['a', 'b', 'b-1', 'b1', 'm'];
    expect(store.list(namespaces).map(o => o.metadata.name)).toEqual(names);
    expect(store.list(namespaces, 'b').map(o => o.metadata.name)).toEqual(
      names,
    );
  });

  it('serves a past revision in key order, from any key on, while objects change', () => {
    const store = new ObjectStore(100000, () => new Date(0));
    const next = random(11);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
    const live = new Map<string, string>();
    const snapshots: Array<{ revision: number; state: Map<string, string> }> =
      [];
    for (let step = 0; step < 1500; step++) {
      const namespace = pick(namespaceNames);
      const name = `${pick(nameParts)}-${Math.floor(next() * 30)}`;
      const key = objectKey(namespace, name);
      const roll = next();
      if (live.has(key) && roll < 0.4) {
        store.remove(configMaps, namespace, name);
        live.delete(key);
      } else if (live.has(key)) {
        const stored = store.replace(configMaps, {
          ...store.get(configMaps, namespace, name)!,
          data: { n: name, step: String(step) },
        });
        live.set(key, stored.metadata.resourceVersion!);
      } else {
        const stored = store.create(configMaps, configMap(namespace, name));
        live.set(key, stored.metadata.resourceVersion!);
      }
      if (step % 100 === 0) {
        snapshots.push({
          revision: store.currentRevision(),
          state: new Map(live),
        });
      }
    }
    for (const { revision, state } of snapshots) {
      for (const namespace of [undefined, 'ns', 'ns-1']) {
        for (const after of [undefined, 'ns-1/web-1-3', 'ns/', 'ns/web1-9']) {
          const expected = naive(new Set(state.keys()), namespace, after);
          const served = store
            .entriesAt(configMaps, revision, namespace, after)
            .map(e => e.object);
          expect(keysOf(served)).toEqual(expected);
          expect(served.map(o => o.metadata.resourceVersion)).toEqual(
            expected.map(k => state.get(k)),
          );
        }
      }
    }
  });

  it('keeps its retention count plus the changes of the fresh span, never more than its window, and answers 410 beyond', () => {
    let now = 0;
    const store = new ObjectStore(100, () => new Date(now), {
      changes: 10,
      freshMs: 75000,
    });
    const start = store.currentRevision();
    for (let i = 0; i < 50; i++)
      store.create(configMaps, configMap('ns', `a${i}`));
    // All 50 are younger than 75 s: a watch from the first revision still resumes.
    expect(store.historySize()).toBe(50);
    expect(store.changesSince(start)).toHaveLength(50);
    // The window is a hard limit even within the fresh span.
    for (let i = 0; i < 80; i++)
      store.create(configMaps, configMap('ns', `b${i}`));
    expect(store.historySize()).toBe(100);
    expect(store.changesSince(start)).toBeUndefined();
    // 76 s later one change lets go of everything but the retention's 10.
    now = 76000;
    const beforeLast = store.currentRevision();
    store.create(configMaps, configMap('ns', 'c'));
    expect(store.historySize()).toBe(10);
    expect(store.oldestResumableRevision()).toBe(store.currentRevision() - 10);
    expect(store.changesSince(beforeLast)!.map(c => c.key)).toEqual(['ns/c']);
    expect(store.changesSince(beforeLast - 10)).toBeUndefined();
    expect(() => store.entriesAt(configMaps, beforeLast - 10, 'ns')).toThrow(
      /too old resource version/,
    );
    // An idle store trims on its own once the fresh span has passed.
    for (let i = 0; i < 20; i++)
      store.create(configMaps, configMap('ns', `d${i}`));
    expect(store.historySize()).toBe(21);
    now = 200000;
    store.trimHistory();
    expect(store.historySize()).toBe(10);
    expect(store.changesSince(store.currentRevision() - 10)).toHaveLength(10);
  });
});
