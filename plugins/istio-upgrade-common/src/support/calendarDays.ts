/** @internal Milliseconds in a day. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** @internal The instant a YYYY-MM-DD day starts, in UTC. */
export function startOfDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** @internal The YYYY-MM-DD day a number of days after another. */
export function addDays(date: string, days: number): string {
  return new Date(startOfDay(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** @internal Epoch milliseconds of a clock reading given as a Date or a number. */
export function toEpochMs(now: number | Date): number {
  return typeof now === 'number' ? now : now.getTime();
}
