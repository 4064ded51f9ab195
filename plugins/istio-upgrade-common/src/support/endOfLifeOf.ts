import { IstioRelease } from '../releases/IstioRelease';
import { addDays } from './calendarDays';

/** Istio supports a minor until six weeks after the release of the minor two above it. */
const SUPPORT_AFTER_N_PLUS_2_DAYS = 42;

/**
 * When support for a minor ends: the table's `endOfLife`, else six weeks after the release of the
 * minor two above, else undefined (that minor is not out yet, so the end is not known).
 *
 * @public
 */
export function endOfLifeOf(
  minor: string,
  releases: ReadonlyArray<IstioRelease>,
): string | undefined {
  const release = releases.find(r => r.minor === minor);
  if (!release) {
    return undefined;
  }
  if (release.endOfLife) {
    return release.endOfLife;
  }
  const [major, minorNumber] = minor.split('.').map(Number);
  const twoAbove = releases.find(
    r => r.minor === `${major}.${minorNumber + 2}`,
  );
  return twoAbove
    ? addDays(twoAbove.releaseDate, SUPPORT_AFTER_N_PLUS_2_DAYS)
    : undefined;
}
