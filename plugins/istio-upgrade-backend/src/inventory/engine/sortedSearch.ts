/**
 * The index of the first element of `sorted` (ascending) that is not below `value`: where `value`
 * would be inserted before any equal element.
 */
export function lowerBound(
  sorted: ReadonlyArray<number>,
  value: number,
): number {
  return firstIndex(sorted, element => element >= value);
}

/**
 * The index of the first element of `sorted` (ascending) above `value`: how many elements are at
 * or below it.
 */
export function upperBound(
  sorted: ReadonlyArray<number>,
  value: number,
): number {
  return firstIndex(sorted, element => element > value);
}

/** Binary search for the first element for which `reached` holds (it holds from there on). */
function firstIndex(
  sorted: ReadonlyArray<number>,
  reached: (element: number) => boolean,
): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (reached(sorted[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
}
