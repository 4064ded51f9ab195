import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { MaintenanceWindow } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { DateTime, IANAZone } from 'luxon';

/**
 * The annotation of a cluster entity that holds its maintenance windows in the compact form
 * `Mon-Fri 02:00-06:00 Europe/Berlin; Sat,Sun 00:00-23:59 UTC`.
 */
export const MAINTENANCE_WINDOWS_ANNOTATION =
  'istio-upgrade.io/maintenance-windows';

/** A day of a maintenance window. */
export type WeekDay = MaintenanceWindow['days'][number];

/** The days of the week, Monday first (ISO weekday 1 to 7). */
export const WEEK_DAYS: readonly WeekDay[] = [
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
];

/** Whether a cluster's windows let work start now, and when that changes. */
export interface WindowState {
  open: boolean;
  /** When open: the end of the window (or of windows that follow one another without a gap). */
  closesAt?: Date;
  /** When closed: the start of the next window. */
  opensAt?: Date;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 24 * 60 * 60_000;
// Windows are shorter than a day, so a week and a day either side of an instant holds every
// occurrence that can contain it, the next opening and the close of a chain of windows.
const HORIZON_DAYS = 8;
// The week overlaps are checked on: Monday 8 January 2024, weeks from any daylight-saving change.
const REFERENCE_MONDAY = Date.UTC(2024, 0, 8);

function describe(window: MaintenanceWindow): string {
  return `${window.days.join(',')} ${window.start}-${window.end} ${
    window.timeZone
  }`;
}

function minutesOf(time: string): number {
  const match = TIME.exec(time)!;
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Checks one cluster's maintenance windows and throws an `InputError` naming `where` (the cluster or
 * the field) and the reason: a time that is not `HH:MM` from 00:00 to 23:59, a start equal to its end,
 * a day that is not mon..sun or is listed twice, an unknown IANA time zone, or two windows that
 * overlap.
 *
 * Overlap is judged on the instants the windows cover, a window past midnight included (it belongs to
 * the day it starts). Windows in different time zones are compared on a reference week (the week of
 * Monday 8 January 2024, far from the daylight-saving changes of either hemisphere); around such a
 * change, two windows in zones that change on different dates may meet differently for a few weeks.
 */
export function validateWindows(
  windows: readonly MaintenanceWindow[],
  where: string,
): void {
  windows.forEach((window, index) => {
    const at = `${where}: window ${index + 1}`;
    if (!Array.isArray(window.days) || window.days.length === 0) {
      throw new InputError(`${at} has no days`);
    }
    const seen = new Set<string>();
    for (const day of window.days) {
      if (!WEEK_DAYS.includes(day)) {
        throw new InputError(
          `${at}: "${day}" is not a day (use ${WEEK_DAYS.join(', ')})`,
        );
      }
      if (seen.has(day)) {
        throw new InputError(`${at} lists ${day} twice`);
      }
      seen.add(day);
    }
    for (const field of ['start', 'end'] as const) {
      if (typeof window[field] !== 'string' || !TIME.test(window[field])) {
        throw new InputError(
          `${at}: ${field} "${window[field]}" is not a time HH:MM from 00:00 to 23:59`,
        );
      }
    }
    if (window.start === window.end) {
      throw new InputError(
        `${at} starts and ends at ${window.start}; a window must not be empty (for a whole day use 00:00-23:59)`,
      );
    }
    if (
      typeof window.timeZone !== 'string' ||
      !IANAZone.isValidZone(window.timeZone)
    ) {
      throw new InputError(
        `${at}: "${window.timeZone}" is not a known IANA time zone (for example Europe/Berlin or UTC)`,
      );
    }
  });
  const reference = windows
    .flatMap((window, index) =>
      occurrences(
        window,
        REFERENCE_MONDAY - 7 * DAY_MS,
        REFERENCE_MONDAY + 14 * DAY_MS,
      ).map(interval => ({ ...interval, index })),
    )
    .sort((a, b) => a.start - b.start);
  // Sorted by start, an occurrence overlaps an earlier one exactly when it starts before the latest
  // end so far; a window's own occurrences never overlap (each is shorter than a day).
  let latest: (Interval & { index: number }) | undefined;
  for (const interval of reference) {
    if (latest && interval.start < latest.end) {
      const [a, b] = [latest.index, interval.index].sort((x, y) => x - y);
      throw new InputError(
        `${where}: window ${a + 1} (${describe(windows[a])}) overlaps window ${
          b + 1
        } (${describe(windows[b])})`,
      );
    }
    if (!latest || interval.end > latest.end) latest = interval;
  }
}

interface Interval {
  start: number;
  end: number;
}

/**
 * The instants a window covers whose local start day falls from `fromMs` to `toMs` (local days in the
 * window's zone). A local time that does not exist (spring forward) moves forward by the gap; one that
 * happens twice (fall back) is taken at its second occurrence.
 */
function occurrences(
  window: MaintenanceWindow,
  fromMs: number,
  toMs: number,
): Interval[] {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const result: Interval[] = [];
  let day = DateTime.fromMillis(fromMs, { zone: window.timeZone }).startOf(
    'day',
  );
  const last = DateTime.fromMillis(toMs, { zone: window.timeZone });
  while (day <= last) {
    if (window.days.includes(WEEK_DAYS[day.weekday - 1])) {
      const local = { year: day.year, month: day.month, day: day.day };
      const opens = DateTime.fromObject(
        { ...local, hour: Math.floor(start / 60), minute: start % 60 },
        { zone: window.timeZone },
      );
      const endDay = end > start ? day : day.plus({ days: 1 }).startOf('day');
      const closes = DateTime.fromObject(
        {
          year: endDay.year,
          month: endDay.month,
          day: endDay.day,
          hour: Math.floor(end / 60),
          minute: end % 60,
        },
        { zone: window.timeZone },
      );
      if (closes > opens) {
        result.push({ start: opens.toMillis(), end: closes.toMillis() });
      }
    }
    day = day.plus({ days: 1 }).startOf('day');
  }
  return result;
}

/** Every window's occurrences around `atMs`, merged where they overlap or follow without a gap. */
function openPeriods(
  windows: readonly MaintenanceWindow[],
  atMs: number,
): Interval[] {
  const all = windows
    .flatMap(window =>
      occurrences(
        window,
        atMs - HORIZON_DAYS * DAY_MS,
        atMs + HORIZON_DAYS * DAY_MS,
      ),
    )
    .sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of all) {
    const previous = merged[merged.length - 1];
    if (previous && interval.start <= previous.end) {
      previous.end = Math.max(previous.end, interval.end);
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

/**
 * Whether any window is open at `at`, correct across daylight-saving changes: a window is local wall
 * time in its zone, so `02:00-06:00 Europe/Berlin` lasts three hours on the night the clocks go
 * forward. No windows means always open. `closesAt` is the end of the open window, carried over
 * windows that follow without a gap; it is absent when the windows leave no gap in the week.
 */
export function windowOpenAt(
  windows: readonly MaintenanceWindow[],
  at: Date,
): WindowState {
  if (windows.length === 0) return { open: true };
  const atMs = at.getTime();
  const periods = openPeriods(windows, atMs);
  const current = periods.find(p => p.start <= atMs && atMs < p.end);
  if (current) {
    const horizon = atMs + (HORIZON_DAYS - 1) * DAY_MS;
    return current.end >= horizon
      ? { open: true }
      : { open: true, closesAt: new Date(current.end) };
  }
  const next = periods.find(p => p.start > atMs);
  return next
    ? { open: false, opensAt: new Date(next.start) }
    : { open: false };
}

/**
 * The next instant after `after` (not counting `after` itself) at which a window opens after a
 * closed time; undefined when there are no windows (always open) or they leave no gap.
 */
export function nextOpening(
  windows: readonly MaintenanceWindow[],
  after: Date,
): Date | undefined {
  if (windows.length === 0) return undefined;
  const afterMs = after.getTime();
  const next = openPeriods(windows, afterMs).find(p => p.start > afterMs);
  return next ? new Date(next.start) : undefined;
}

function parseDays(text: string, at: string): WeekDay[] {
  const days: WeekDay[] = [];
  const dayIndex = (name: string): number => {
    const index = WEEK_DAYS.indexOf(name.toLowerCase() as WeekDay);
    if (index < 0) {
      throw new InputError(
        `${at}: "${name}" is not a day (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)`,
      );
    }
    return index;
  };
  for (const part of text.split(',')) {
    const [from, to, extra] = part.split('-');
    if (extra !== undefined || from === '') {
      throw new InputError(
        `${at}: "${part}" is not a day or a range of days like Mon-Fri`,
      );
    }
    const first = dayIndex(from);
    // A range may wrap over Sunday: Fri-Mon is Friday to Monday.
    const length = to === undefined ? 0 : (dayIndex(to) - first + 7) % 7;
    for (let i = 0; i <= length; i++) {
      days.push(WEEK_DAYS[(first + i) % 7]);
    }
  }
  return days;
}

/**
 * Reads the compact form of maintenance windows used by the cluster annotation
 * {@link MAINTENANCE_WINDOWS_ANNOTATION}: windows separated by `;`, each
 * `<days> <HH:MM>-<HH:MM> <IANA time zone>`, days as `Mon`, lists `Sat,Sun` and ranges `Mon-Fri`
 * (case-insensitive). An end before the start runs past midnight. Throws an `InputError` that names
 * `where` (default: the annotation), the window and what is wrong; the windows are checked with
 * {@link validateWindows}.
 */
export function parseWindowsAnnotation(
  text: string,
  where: string = `annotation ${MAINTENANCE_WINDOWS_ANNOTATION}`,
): MaintenanceWindow[] {
  const parts = text
    .split(';')
    .map(part => part.trim())
    .filter(part => part !== '');
  if (parts.length === 0) {
    throw new InputError(
      `${where} is empty; write windows like "Mon-Fri 02:00-06:00 Europe/Berlin", or remove it`,
    );
  }
  const windows = parts.map((part, index) => {
    const at = `${where}: window ${index + 1} "${part}"`;
    const fields = part.split(/\s+/);
    if (fields.length !== 3) {
      throw new InputError(
        `${at} is not "<days> <start>-<end> <time zone>", like "Mon-Fri 02:00-06:00 Europe/Berlin"`,
      );
    }
    const [daysText, timesText, timeZone] = fields;
    const times = timesText.split('-');
    if (times.length !== 2) {
      throw new InputError(
        `${at}: "${timesText}" is not a start and an end like 02:00-06:00`,
      );
    }
    return {
      days: parseDays(daysText, at),
      start: times[0],
      end: times[1],
      timeZone,
    };
  });
  validateWindows(windows, where);
  return windows;
}

/**
 * The windows a cluster entity's annotation sets, or undefined when it has none. Throws an
 * `InputError` naming the entity when the annotation is malformed.
 */
export function annotatedWindows(
  entity: Entity,
): MaintenanceWindow[] | undefined {
  const text = entity.metadata.annotations?.[MAINTENANCE_WINDOWS_ANNOTATION];
  if (text === undefined) return undefined;
  return parseWindowsAnnotation(
    text,
    `${stringifyEntityRef(
      entity,
    )}: annotation ${MAINTENANCE_WINDOWS_ANNOTATION}`,
  );
}

/** Windows keyed by cluster name, `'*'` for every cluster not named. */
export type WindowsByCluster = Readonly<
  Record<string, readonly MaintenanceWindow[]>
>;

/**
 * The maintenance windows of one cluster. From strongest to weakest: the request's windows for the
 * cluster's name, the request's `'*'`, the cluster entity's annotation, config for the cluster's name,
 * config's `'*'`. The first that is set wins whole (windows are not merged); an empty list set there
 * means no windows, that is always open, as does having none anywhere.
 */
export function windowsFor(
  cluster: string,
  sources: {
    config?: WindowsByCluster;
    annotation?: readonly MaintenanceWindow[];
    request?: WindowsByCluster;
  },
): MaintenanceWindow[] {
  const { config, annotation, request } = sources;
  const own = (map?: WindowsByCluster, key = cluster) =>
    map && Object.prototype.hasOwnProperty.call(map, key)
      ? map[key]
      : undefined;
  const chosen =
    own(request) ??
    own(request, '*') ??
    annotation ??
    own(config) ??
    own(config, '*') ??
    [];
  return [...chosen];
}
