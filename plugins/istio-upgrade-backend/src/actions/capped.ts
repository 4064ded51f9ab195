/**
 * At most `max` items of a list and how many were left out, so that an answer stays small enough for an
 * assistant and says when it is not whole.
 */
export function capped<T>(
  items: T[],
  max: number,
): { items: T[]; omitted: number } {
  return {
    items: items.slice(0, max),
    omitted: Math.max(0, items.length - max),
  };
}
