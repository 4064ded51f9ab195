import { randomUUID } from 'node:crypto';
import { jsonEqual } from './jsonEqual';
import { KubeObject } from './kubeObject';
import { ResourceType, typeKey } from '../api/resourceTypes';
import {
  alreadyExists,
  conflict,
  expired,
  notFound,
} from '../api/statusErrors';

/**
 * One change as a watch reports it. `object` is the object after the change (for DELETED,
 * the last state with the deletion's resourceVersion); `previous` the state before, which
 * lets filtered watches turn "stopped matching" into DELETED as the real watch cache does.
 *
 * @public
 */
export interface Change {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  revision: number;
  typeKey: string;
  key: string;
  object: KubeObject;
  previous?: KubeObject;
}

/** A stored object. */
interface Entry {
  object: KubeObject;
}

interface Table {
  entries: Map<string, Entry>;
  /**
   * Every key of `entries` in etcd order: by UTF-16 code unit, as `<` and a plain `sort()`
   * compare strings, which for Kubernetes names (ASCII) is etcd's byte order. Kept sorted as
   * keys come and go: a create inserts its key at its place and a delete takes it out (a binary
   * search and one splice each), so no list ever sorts the whole type again, and a namespace's
   * list only walks that namespace's run of keys ("ns/…" keys are contiguous).
   */
  sorted: string[];
}

/** Types whose metadata.generation tracks spec changes. */
const generationTypes = new Set([
  'deployments.apps',
  'replicasets.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'poddisruptionbudgets.policy',
  'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  'validatingwebhookconfigurations.admissionregistration.k8s.io',
  'gateways.gateway.networking.k8s.io',
  'istios.sailoperator.io',
  'istiorevisions.sailoperator.io',
  'istiorevisiontags.sailoperator.io',
]);

/** The store key of an object: "namespace/name" for namespaced types, as etcd orders them. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * The generation an update gives an object: one more when anything but metadata and status changed,
 * for the types that track it (undefined for the others).
 */
export function nextGeneration(
  rt: ResourceType,
  previous: KubeObject,
  next: KubeObject,
): number | undefined {
  if (!generationTypes.has(typeKey(rt))) return undefined;
  return (
    (previous.metadata.generation ?? 1) + (specChanged(previous, next) ? 1 : 0)
  );
}

function specChanged(before: KubeObject, after: KubeObject): boolean {
  const { metadata: _m1, status: _s1, ...a } = before;
  const { metadata: _m2, status: _s2, ...b } = after;
  return !jsonEqual(a, b);
}

/**
 * How long the change history keeps changes beyond its usual size, as kube-apiserver's watch
 * cache sizes itself to hold at least its "fresh" span of events (75 s).
 *
 * @public
 */
export interface HistoryRetention {
  /**
   * Changes kept in the usual case: beyond this many, the oldest are dropped once they are
   * older than `freshMs` (at most the store's history window, which no history ever exceeds).
   */
  changes: number;
  /** Simulated milliseconds for which a change is kept even beyond `changes` (default 75 s). */
  freshMs?: number;
}

/** kube-apiserver's watch cache keeps at least this span of events: 75 s. */
export const defaultHistoryFreshMs = 75000;

/**
 * The objects of one simulated cluster, with a single increasing resourceVersion counter
 * (as etcd keeps one revision per cluster) and a bounded history of changes so watches can
 * resume from any recent list and get 410 Gone for older versions. The history holds at most
 * `historyWindow` changes; with a `retention` of fewer changes, it holds that many plus those
 * younger than the retention's fresh span (so a fleet of many clusters can share a memory
 * budget, and a watch that reconnects within the fresh span still resumes).
 *
 * @public
 */
export class ObjectStore {
  private revision = 1;
  private readonly tables = new Map<string, Table>();
  private readonly history: Change[] = [];
  /** Simulated ms of each history entry, in step with `history`. */
  private readonly historyAt: number[] = [];
  private historyStart = 0;
  private readonly keepChanges: number;
  private readonly freshMs: number;
  private readonly listeners = new Set<(change: Change) => void>();
  /** owner uid → "typeKey|key" of its dependents, for garbage collection and controllers. */
  private readonly dependentsByOwner = new Map<string, Set<string>>();

  constructor(
    private readonly historyWindow: number,
    private readonly now: () => Date,
    retention?: HistoryRetention,
  ) {
    this.keepChanges = Math.min(
      historyWindow,
      retention?.changes ?? historyWindow,
    );
    this.freshMs = retention?.freshMs ?? defaultHistoryFreshMs;
  }

  /** Changes held in the history (for statistics and benchmarks). */
  historySize(): number {
    return this.history.length - this.historyStart;
  }

  /**
   * Drops the changes the retention no longer keeps: beyond its count and older than its fresh
   * span. Called on every change, and by the cluster's tick so an idle cluster lets go of its
   * old changes too.
   */
  trimHistory(nowMs = this.now().getTime()) {
    const limit = nowMs - this.freshMs;
    while (
      this.history.length - this.historyStart > this.keepChanges &&
      (this.history.length - this.historyStart > this.historyWindow ||
        this.historyAt[this.historyStart] < limit)
    ) {
      // Let go of the change at once: the array itself is compacted only now and then, and
      // until then its dropped slots would keep up to 4,096 changes' objects alive per cluster
      // (at 200 clusters as many as the budget holds).
      (this.history as Array<Change | undefined>)[this.historyStart] =
        undefined;
      this.historyStart++;
    }
    // Compact the arrays now and then rather than shifting on every change.
    if (
      this.historyStart > 4096 &&
      this.historyStart > this.history.length / 2
    ) {
      this.history.splice(0, this.historyStart);
      this.historyAt.splice(0, this.historyStart);
      this.historyStart = 0;
    }
  }

  /** The latest resourceVersion handed out. */
  currentRevision(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch may resume from. */
  oldestResumableRevision(): number {
    const first = this.history[this.historyStart];
    return first ? first.revision - 1 : this.revision;
  }

  /** Calls `listener` synchronously for every change, in order. */
  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(rt: ResourceType, namespace: string | undefined, name: string) {
    return this.table(rt).entries.get(objectKey(namespace, name))?.object;
  }

  /** Objects of a type (in one namespace, or all), in etcd key order. */
  list(rt: ResourceType, namespace?: string): KubeObject[] {
    return this.entries(rt, namespace).map(e => e.object);
  }

  /** Number of objects of a type. */
  count(rt: ResourceType): number {
    return this.table(rt).entries.size;
  }

  /** Entries in key order, optionally after a key (exclusive), for paged lists. */
  entries(rt: ResourceType, namespace?: string, after?: string): Entry[] {
    const table = this.table(rt);
    const keys = table.sorted;
    const prefix = namespace && rt.namespaced ? `${namespace}/` : '';
    let start = 0;
    const from = after !== undefined && after > prefix ? after : prefix;
    if (from) {
      start = lowerBound(keys, from);
      if (after !== undefined && keys[start] === after) {
        start++;
      }
    }
    const out: Entry[] = [];
    for (let i = start; i < keys.length; i++) {
      if (prefix && !keys[i].startsWith(prefix)) {
        break;
      }
      out.push(table.entries.get(keys[i])!);
    }
    return out;
  }

  /**
   * The objects of a type as they were at `atRevision`, rebuilt by undoing later changes from
   * the history; used for `resourceVersionMatch=Exact` and for continuing a paged list at the
   * revision of its first page, as etcd serves them.
   */
  entriesAt(
    rt: ResourceType,
    atRevision: number,
    namespace?: string,
    after?: string,
  ): Entry[] {
    if (atRevision >= this.revision) {
      return this.entries(rt, namespace, after);
    }
    if (atRevision < this.oldestResumableRevision()) {
      throw expired(
        `too old resource version: ${atRevision} (${this.oldestResumableRevision()})`,
      );
    }
    const tk = typeKey(rt);
    const overlay = new Map<string, KubeObject | null>();
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      const change = this.history[i];
      if (change.revision <= atRevision) {
        break;
      }
      if (change.typeKey === tk) {
        overlay.set(
          change.key,
          change.type === 'ADDED' ? null : change.previous ?? null,
        );
      }
    }
    const current = this.entries(rt, namespace, after);
    if (overlay.size === 0) {
      return current;
    }
    // Merge the changed keys (sorted: only the few changed since `atRevision`) into the
    // current entries (already in key order) in one pass: a changed key takes its old state,
    // or drops out when it did not exist then.
    const prefix = namespace && rt.namespaced ? `${namespace}/` : '';
    const changed = [...overlay.keys()]
      .filter(
        key => key.startsWith(prefix) && (after === undefined || key > after),
      )
      .sort();
    const out: Entry[] = [];
    let next = 0;
    const takeChanged = () => {
      const then = overlay.get(changed[next++]);
      if (then) out.push({ object: then });
    };
    for (const entry of current) {
      const key = objectKey(
        entry.object.metadata.namespace,
        entry.object.metadata.name,
      );
      while (next < changed.length && changed[next] < key) takeChanged();
      if (next < changed.length && changed[next] === key) {
        takeChanged();
      } else {
        out.push(entry);
      }
    }
    while (next < changed.length) takeChanged();
    return out;
  }

  /** Stores a new object, assigning uid, resourceVersion, generation and creationTimestamp. */
  create(rt: ResourceType, object: KubeObject): KubeObject {
    const table = this.table(rt);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    if (table.entries.has(key)) {
      throw alreadyExists(rt, object.metadata.name);
    }
    const revision = ++this.revision;
    const tk = typeKey(rt);
    const stored: KubeObject = {
      ...object,
      metadata: {
        ...object.metadata,
        uid: object.metadata.uid || randomUUID(),
        resourceVersion: String(revision),
        creationTimestamp:
          object.metadata.creationTimestamp ||
          // RFC 3339 in whole seconds, as the API server writes metav1.Time.
          this.now()
            .toISOString()
            .replace(/\.\d+Z$/, 'Z'),
        ...(generationTypes.has(tk) ? { generation: 1 } : {}),
      },
    };
    table.entries.set(key, { object: stored });
    table.sorted.splice(lowerBound(table.sorted, key), 0, key);
    this.indexOwners(tk, key, undefined, stored);
    this.record({ type: 'ADDED', revision, typeKey: tk, key, object: stored });
    return stored;
  }

  /**
   * Replaces an object. With `expectedRevision` set, a different stored resourceVersion
   * answers 409 Conflict, as optimistic concurrency in the real API server does.
   */
  replace(
    rt: ResourceType,
    object: KubeObject,
    expectedRevision?: string,
  ): KubeObject {
    const table = this.table(rt);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const entry = table.entries.get(key);
    if (!entry) {
      throw notFound(rt, object.metadata.name);
    }
    const previous = entry.object;
    if (
      expectedRevision !== undefined &&
      expectedRevision !== previous.metadata.resourceVersion
    ) {
      throw conflict(rt, object.metadata.name);
    }
    const revision = ++this.revision;
    const tk = typeKey(rt);
    const metadata = {
      ...object.metadata,
      uid: previous.metadata.uid,
      creationTimestamp: previous.metadata.creationTimestamp,
      resourceVersion: String(revision),
    };
    const generation = nextGeneration(rt, previous, object);
    if (generation !== undefined) metadata.generation = generation;
    const stored: KubeObject = { ...object, metadata };
    table.entries.set(key, { object: stored });
    this.indexOwners(tk, key, previous, stored);
    this.record({
      type: 'MODIFIED',
      revision,
      typeKey: tk,
      key,
      object: stored,
      previous,
    });
    return stored;
  }

  /** Removes an object and returns its last state, stamped with the deletion's revision. */
  remove(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const table = this.table(rt);
    const key = objectKey(namespace, name);
    const entry = table.entries.get(key);
    if (!entry) {
      throw notFound(rt, name);
    }
    table.entries.delete(key);
    // The key is present (it was in `entries`), so the lower bound is its index.
    table.sorted.splice(lowerBound(table.sorted, key), 1);
    const revision = ++this.revision;
    const tk = typeKey(rt);
    const previous = entry.object;
    const last: KubeObject = {
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(revision) },
    };
    this.indexOwners(tk, key, previous, undefined);
    this.record({
      type: 'DELETED',
      revision,
      typeKey: tk,
      key,
      object: last,
      previous,
    });
    return last;
  }

  /** "typeKey|key" references of the objects whose ownerReferences name `ownerUid`. */
  dependents(ownerUid: string): string[] {
    return [...(this.dependentsByOwner.get(ownerUid) ?? [])];
  }

  /** Looks an object up by the "typeKey|key" reference `dependents` returns. */
  getByReference(reference: string): KubeObject | undefined {
    const bar = reference.indexOf('|');
    return this.tables
      .get(reference.slice(0, bar))
      ?.entries.get(reference.slice(bar + 1))?.object;
  }

  /**
   * Changes after `revision` still held in the history, or undefined when some were already
   * dropped (the caller answers 410 Gone).
   */
  changesSince(revision: number): Change[] | undefined {
    if (revision < this.oldestResumableRevision()) {
      return undefined;
    }
    const out: Change[] = [];
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      if (this.history[i].revision <= revision) {
        break;
      }
      out.push(this.history[i]);
    }
    return out.reverse();
  }

  private table(rt: ResourceType): Table {
    const tk = typeKey(rt);
    let table = this.tables.get(tk);
    if (!table) {
      table = { entries: new Map(), sorted: [] };
      this.tables.set(tk, table);
    }
    return table;
  }

  private record(change: Change) {
    const at = this.now().getTime();
    this.history.push(change);
    this.historyAt.push(at);
    if (this.history.length - this.historyStart > this.keepChanges) {
      this.trimHistory(at);
    }
    for (const listener of this.listeners) {
      listener(change);
    }
  }

  private indexOwners(
    tk: string,
    key: string,
    before: KubeObject | undefined,
    after: KubeObject | undefined,
  ) {
    const reference = `${tk}|${key}`;
    for (const ref of before?.metadata.ownerReferences ?? []) {
      const set = this.dependentsByOwner.get(ref.uid);
      set?.delete(reference);
      if (set && set.size === 0) {
        this.dependentsByOwner.delete(ref.uid);
      }
    }
    for (const ref of after?.metadata.ownerReferences ?? []) {
      let set = this.dependentsByOwner.get(ref.uid);
      if (!set) {
        set = new Set();
        this.dependentsByOwner.set(ref.uid, set);
      }
      set.add(reference);
    }
  }
}

/** The first index of sorted `keys` whose key is not below `value` (keys.length if none). */
function lowerBound(keys: string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
