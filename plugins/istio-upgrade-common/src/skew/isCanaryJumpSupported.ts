import { minorDistance } from '../versions/minorDistance';
import { SkewVerdict } from './SkewVerdict';

/** A revision-based upgrade may skip one minor (1.9 to 1.11), and a rollback may return as far. */
const MAX_CANARY_MINORS = 2;

function minors(n: number): string {
  return n === 1 ? '1 minor' : `${n} minors`;
}

/**
 * Whether proxies may move from `from` to `to` by a revision-based (canary) upgrade: up to two
 * minors up, or down to a lower minor within two minors (a rollback).
 *
 * @public
 */
export function isCanaryJumpSupported(
  from: string | undefined,
  to: string | undefined,
): SkewVerdict {
  const distance = minorDistance(from, to);
  if (distance === undefined) {
    return {
      supported: true,
      known: false,
      reason: `jump not checked: ${from ?? 'version unknown'} to ${
        to ?? 'version unknown'
      }`,
    };
  }
  const pair = `${from} to ${to}`;
  if (Math.abs(distance) > MAX_CANARY_MINORS) {
    return {
      supported: false,
      known: true,
      minorDistance: distance,
      reason:
        distance > 0
          ? `${pair} is ${minors(
              distance,
            )} up; a canary upgrade may jump at most ${MAX_CANARY_MINORS}`
          : `${pair} is ${minors(
              -distance,
            )} down; a rollback may go back at most ${MAX_CANARY_MINORS}`,
    };
  }
  let reason: string;
  if (distance > 0) {
    reason = `${pair} is ${minors(
      distance,
    )} up, within the canary limit of ${MAX_CANARY_MINORS}`;
  } else if (distance < 0) {
    reason = `${pair} is ${minors(-distance)} down, an allowed rollback`;
  } else {
    reason = `${pair} stays within the same minor`;
  }
  return { supported: true, known: true, minorDistance: distance, reason };
}
