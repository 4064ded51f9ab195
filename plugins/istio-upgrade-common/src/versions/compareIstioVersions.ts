import { IstioVersion, parseIstioVersion } from './IstioVersion';

function comparePrerelease(a?: string, b?: string): number {
  // A release sorts after its own pre-releases (semver).
  if (a === b) {
    return 0;
  }
  if (a === undefined) {
    return 1;
  }
  if (b === undefined) {
    return -1;
  }
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] === undefined) {
      return -1;
    }
    if (right[i] === undefined) {
      return 1;
    }
    const l = Number(left[i]);
    const r = Number(right[i]);
    if (Number.isInteger(l) && Number.isInteger(r)) {
      if (l !== r) {
        return Math.sign(l - r);
      }
    } else if (left[i] !== right[i]) {
      // Semver orders non-numeric identifiers by ASCII, whatever the locale.
      return left[i] < right[i] ? -1 : 1;
    }
  }
  return 0;
}

/**
 * Orders two Istio versions: negative when `a` is older, positive when newer, 0 when equal.
 * A missing patch counts as 0; image flavours are ignored; unparseable versions sort first.
 *
 * @public
 */
export function compareIstioVersions(
  a: IstioVersion | string | undefined,
  b: IstioVersion | string | undefined,
): number {
  const left = typeof a === 'string' ? parseIstioVersion(a) : a;
  const right = typeof b === 'string' ? parseIstioVersion(b) : b;
  if (!left || !right) {
    return Number(Boolean(left)) - Number(Boolean(right));
  }
  return (
    Math.sign(left.major - right.major) ||
    Math.sign(left.minor - right.minor) ||
    Math.sign((left.patch ?? 0) - (right.patch ?? 0)) ||
    comparePrerelease(left.prerelease, right.prerelease)
  );
}
