import type { StringMap } from './records';

const EMPTY: StringMap = Object.freeze({});

/**
 * Shares one frozen labels object between all pods with the same labels, and one string between
 * records naming the same namespace, revision or workload. Pods of one ReplicaSet carry identical
 * labels, so a fleet of 100,000 pods holds a few thousand label objects instead of 100,000.
 *
 * Label objects are held weakly: once no record uses a label set (its ReplicaSet is gone), it is
 * collected and its entry dropped, so the interner does not grow with churn.
 *
 * @public
 */
export class LabelInterner {
  readonly #labels = new Map<string, WeakRef<StringMap>>();
  readonly #strings = new Map<string, string>();
  readonly #registry = new FinalizationRegistry<string>(key => {
    if (this.#labels.get(key)?.deref() === undefined) {
      this.#labels.delete(key);
    }
  });

  /** The shared frozen copy of a labels object (keys in sorted order). */
  labels(
    source: Readonly<Record<string, string>> | null | undefined,
  ): StringMap {
    if (!source) {
      return EMPTY;
    }
    const keys = Object.keys(source).sort();
    if (keys.length === 0) {
      return EMPTY;
    }
    // Label keys and values cannot contain NUL, so it separates them unambiguously.
    let key = '';
    for (const k of keys) {
      key += `${k}\u0000${source[k]}\u0000`;
    }
    const existing = this.#labels.get(key)?.deref();
    if (existing) {
      return existing;
    }
    const copy: Record<string, string> = {};
    for (const k of keys) {
      copy[k] = String(source[k]);
    }
    const frozen = Object.freeze(copy);
    this.#labels.set(key, new WeakRef(frozen));
    this.#registry.register(frozen, key);
    return frozen;
  }

  /** The shared copy of a short, often repeated string (a namespace, revision or workload). */
  text(value: string): string {
    const existing = this.#strings.get(value);
    if (existing !== undefined) {
      return existing;
    }
    this.#strings.set(value, value);
    return value;
  }

  /** How many distinct label sets are held. */
  get labelSetCount(): number {
    return this.#labels.size;
  }
}
