import { IstioRelease } from './IstioRelease';

/**
 * A release-table entry from configuration: `minor` and whichever fields it changes. A minor that
 * is not in the defaults needs a `releaseDate`.
 *
 * @public
 */
export type IstioReleaseOverride = Pick<IstioRelease, 'minor'> &
  Partial<Omit<IstioRelease, 'minor'>>;

const MINOR_PATTERN = /^\d+\.\d+$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(minor: string, field: string, value: string | undefined) {
  if (
    value !== undefined &&
    (!DATE_PATTERN.test(value) || Number.isNaN(Date.parse(value)))
  ) {
    throw new Error(
      `Istio release ${minor}: ${field} must be a date written YYYY-MM-DD, got "${value}"`,
    );
  }
}

function minorOrder(a: IstioRelease, b: IstioRelease): number {
  const [aMajor, aMinor] = a.minor.split('.').map(Number);
  const [bMajor, bMinor] = b.minor.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/**
 * The release table with configuration applied: an override replaces the fields it sets on the
 * minor of the same name, or adds the minor. Returns a new table sorted by minor; throws an Error
 * naming the entry when an override is malformed, so that bad configuration fails at startup.
 *
 * @public
 */
export function mergeReleaseTable(
  defaults: ReadonlyArray<IstioRelease>,
  overrides: ReadonlyArray<IstioReleaseOverride> = [],
): IstioRelease[] {
  const byMinor = new Map<string, IstioRelease>();
  for (const release of defaults) {
    byMinor.set(release.minor, { ...release });
  }
  for (const override of overrides) {
    if (!MINOR_PATTERN.test(override.minor ?? '')) {
      throw new Error(
        `Istio release "${override.minor}": minor must look like 1.27`,
      );
    }
    checkDate(override.minor, 'releaseDate', override.releaseDate);
    checkDate(override.minor, 'endOfLife', override.endOfLife);
    const merged = { ...byMinor.get(override.minor), ...override };
    if (merged.releaseDate === undefined) {
      throw new Error(
        `Istio release ${override.minor} is not in the default table and needs a releaseDate`,
      );
    }
    byMinor.set(override.minor, merged as IstioRelease);
  }
  return [...byMinor.values()].sort(minorOrder);
}
