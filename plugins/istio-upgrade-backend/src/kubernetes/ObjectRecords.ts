/**
 * Something kept up to date with a store's records as they come and go (for example, pods grouped
 * for counting): told of every record added and every record removed or replaced.
 */
export interface RecordIndex<R> {
  add(record: R): void;
  remove(record: R): void;
}

/**
 * The records of one resource kind, by namespace and then by name. Keyed this way rather than by
 * `namespace/name`, the name a record keeps is the key itself: no second string per object, which for
 * 100,000 pods is several megabytes. An optional {@link RecordIndex} follows every change.
 */
export class ObjectRecords<R, I extends RecordIndex<R> = RecordIndex<R>> {
  private readonly byNamespace = new Map<string, Map<string, R>>();
  private count = 0;

  constructor(readonly index?: I) {}

  /** How many records are held. */
  get size(): number {
    return this.count;
  }

  /** Keeps `record` for the object; `namespace` is empty for cluster-scoped kinds. */
  set(namespace: string, name: string, record: R): void {
    let names = this.byNamespace.get(namespace);
    if (!names) {
      names = new Map();
      this.byNamespace.set(namespace, names);
    }
    if (this.index) {
      const previous = names.get(name);
      if (previous !== undefined) this.index.remove(previous);
      this.index.add(record);
    }
    const before = names.size;
    names.set(name, record);
    this.count += names.size - before;
  }

  delete(namespace: string, name: string): void {
    const names = this.byNamespace.get(namespace);
    const previous = names?.get(name);
    if (names && previous !== undefined) {
      names.delete(name);
      this.count -= 1;
      this.index?.remove(previous);
      if (names.size === 0) this.byNamespace.delete(namespace);
    }
  }

  *values(): IterableIterator<R> {
    for (const names of this.byNamespace.values()) {
      yield* names.values();
    }
  }
}
