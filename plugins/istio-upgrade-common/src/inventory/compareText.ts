/**
 * Orders strings by UTF-16 code units: unlike `localeCompare`, the same on every machine and in
 * every browser locale, so sorted lists are stable wherever they are computed.
 *
 * @public
 */
export function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
