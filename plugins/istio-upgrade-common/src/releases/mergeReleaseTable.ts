import { compareMinors } from './compareMinors';
import { IstioRelease } from './IstioRelease';

/**
 * A release-table entry from configuration: `minor` and whichever fields it changes. A minor that
 * is not in the defaults needs a `releaseDate`; a `kubernetes` range gives both of its ends.
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

function checkKubernetesRange(
  minor: string,
  range: IstioRelease['kubernetes'] | undefined,
) {
  if (range === undefined) {
    return;
  }
  if (typeof range !== 'object' || range === null) {
    throw new Error(
      `Istio release ${minor}: kubernetes must have an oldest and a newest Kubernetes minor, got ${JSON.stringify(
        range,
      )}`,
    );
  }
  for (const end of ['oldest', 'newest'] as const) {
    const value = range[end];
    if (typeof value !== 'string' || !MINOR_PATTERN.test(value)) {
      throw new Error(
        `Istio release ${minor}: kubernetes.${end} must be a Kubernetes minor like 1.33, got "${value}"`,
      );
    }
  }
  if (compareMinors(range.oldest, range.newest) > 0) {
    throw new Error(
      `Istio release ${minor}: kubernetes.oldest "${range.oldest}" is newer than kubernetes.newest "${range.newest}"`,
    );
  }
}

function minorOrder(a: IstioRelease, b: IstioRelease): number {
  return compareMinors(a.minor, b.minor);
}

/**
 * The release table with configuration applied: an override replaces the fields it sets on the
 * minor of the same name (a `kubernetes` range as a whole), or adds the minor. Returns a new table
 * sorted by minor; throws an Error naming the entry and the bad value when an override is malformed,
 * so that bad configuration fails at startup.
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
    checkKubernetesRange(override.minor, override.kubernetes);
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
