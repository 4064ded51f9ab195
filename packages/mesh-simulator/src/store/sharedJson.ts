/**
 * Serialisation that reuses the JSON of structures shared between stored objects. Pods of one
 * ReplicaSet share their labels, annotations, owner references, managedFields entries and spec
 * subtrees; their JSON is produced once and spliced into every pod, so listing 10,000 pods
 * serialises mostly the few fields that differ per pod.
 */
const shared = new WeakSet<object>();
const cache = new WeakMap<object, string>();

/** Marks a structure as shared between objects (it must never be mutated afterwards). */
export function markShared<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    shared.add(value);
  }
  return value;
}

function valueJson(value: unknown): string {
  if (typeof value === 'object' && value !== null && shared.has(value)) {
    let json = cache.get(value);
    if (json === undefined) {
      json = JSON.stringify(value);
      cache.set(value, json);
    }
    return json;
  }
  return JSON.stringify(value);
}

/** JSON of an object whose direct fields may be shared structures. */
export function fieldsJson(object: Record<string, unknown>): string {
  if (shared.has(object)) return valueJson(object);
  const parts: string[] = [];
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === undefined || typeof value === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${valueJson(value)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * JSON of a stored object, optionally without its type fields (as items of a typed list are
 * written): metadata and spec are assembled from cached shared parts.
 */
export function objectJson(
  object: Record<string, unknown>,
  withType = true,
): string {
  const parts: string[] = [];
  for (const key of Object.keys(object)) {
    if (!withType && (key === 'apiVersion' || key === 'kind')) continue;
    const value = object[key];
    if (value === undefined) continue;
    const json =
      (key === 'metadata' || key === 'spec') &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
        ? fieldsJson(value as Record<string, unknown>)
        : valueJson(value);
    parts.push(`${JSON.stringify(key)}:${json}`);
  }
  return `{${parts.join(',')}}`;
}
