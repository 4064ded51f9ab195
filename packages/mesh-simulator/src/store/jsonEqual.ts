/**
 * Whether two JSON values are equal as the API server compares objects (a semantic deep
 * equality): the same values at the same paths, whatever the order of keys, a key whose value
 * is undefined counting as absent (as JSON leaves it out). It stops at the first difference and
 * takes shared subtrees (the same reference) as equal at once, where comparing two
 * `JSON.stringify` results serialises both values whole on every call.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null
  ) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    for (let i = 0; i < a.length; i++) {
      // JSON writes an undefined array element as null.
      if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    }
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keysOfX = 0;
  for (const key in x) {
    if (!Object.prototype.hasOwnProperty.call(x, key) || x[key] === undefined) {
      continue;
    }
    keysOfX++;
    if (!jsonEqual(x[key], y[key])) return false;
  }
  let keysOfY = 0;
  for (const key in y) {
    if (Object.prototype.hasOwnProperty.call(y, key) && y[key] !== undefined) {
      keysOfY++;
    }
  }
  return keysOfX === keysOfY;
}
