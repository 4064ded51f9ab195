import { IstioRelease } from '../releases/IstioRelease';
import type { SupportStatus } from '../schema';
import { istioMinorOf } from '../versions/IstioVersion';
import { DAY_MS, startOfDay, toEpochMs } from './calendarDays';
import { endOfLifeOf } from './endOfLifeOf';

/**
 * Options of {@link evaluateSupport}.
 *
 * @public
 */
export interface EvaluateSupportOptions {
  /** How many days before its end of life a release counts as ending soon; 60 by default. */
  endingSoonDays?: number;
}

/**
 * The support status of an Istio version on a given day: `end-of-life` from its end-of-life day
 * on, `ending-soon` within `endingSoonDays` of it, `supported` before, and `unknown` when the
 * version cannot be read or its minor is not in the release table.
 *
 * @public
 */
export function evaluateSupport(
  version: string | undefined,
  releases: ReadonlyArray<IstioRelease>,
  now: number | Date,
  options: EvaluateSupportOptions = {},
): SupportStatus {
  const { endingSoonDays = 60 } = options;
  const minor = istioMinorOf(version);
  if (!minor) {
    return { status: 'unknown' };
  }
  const release = releases.find(r => r.minor === minor);
  if (!release) {
    return { status: 'unknown', minor };
  }
  const endOfLife = endOfLifeOf(minor, releases);
  if (!endOfLife) {
    return { status: 'supported', minor, releaseDate: release.releaseDate };
  }
  // Whole days left, counting today while any of it remains before the end-of-life day starts.
  // `|| 0` turns Math.ceil's -0 into 0.
  const daysToEndOfLife =
    Math.ceil((startOfDay(endOfLife) - toEpochMs(now)) / DAY_MS) || 0;
  let status: SupportStatus['status'] = 'supported';
  if (daysToEndOfLife <= 0) {
    status = 'end-of-life';
  } else if (daysToEndOfLife <= endingSoonDays) {
    status = 'ending-soon';
  }
  return {
    status,
    minor,
    releaseDate: release.releaseDate,
    endOfLife,
    daysToEndOfLife,
  };
}
