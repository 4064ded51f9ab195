import { IstioVersion, parseIstioVersion } from './IstioVersion';

/**
 * How many minor releases `to` is ahead of `from` (negative when behind); undefined when either is
 * unknown or the majors differ, since Istio's skew rules are stated within one major.
 *
 * @public
 */
export function minorDistance(
  from: IstioVersion | string | undefined,
  to: IstioVersion | string | undefined,
): number | undefined {
  const a = typeof from === 'string' ? parseIstioVersion(from) : from;
  const b = typeof to === 'string' ? parseIstioVersion(to) : to;
  if (!a || !b || a.major !== b.major) {
    return undefined;
  }
  return b.minor - a.minor;
}
