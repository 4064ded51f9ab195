import {
  GateFigures,
  MaintenanceWindow,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** A duration in the largest units that matter: "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${days} d ${restHours} h` : `${days} d`;
}

/** A moment in the reader's locale, or a dash when unknown. */
export function formatWhen(iso?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

const DAY_NAMES: Record<MaintenanceWindow['days'][number], string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** Weekly windows in one line: "Mon, Tue 09:00–17:00 UTC"; none means always open. */
export function formatWindows(windows: MaintenanceWindow[]): string {
  if (windows.length === 0) return 'any time (no window)';
  return windows
    .map(
      w =>
        `${w.days.map(d => DAY_NAMES[d]).join(', ')} ${w.start}–${w.end} ${
          w.timeZone
        }`,
    )
    .join('; ');
}

/** A 5xx ratio (0 to 1) as a percentage with two decimals, or a dash without figures. */
export function formatErrorRatio(figures?: GateFigures): string {
  return figures?.errorRatio === undefined
    ? '—'
    : `${(figures.errorRatio * 100).toFixed(2)} %`;
}

/** A p99 latency in milliseconds, or a dash without figures. */
export function formatP99(figures?: GateFigures): string {
  return figures?.p99Ms === undefined ? '—' : `${Math.round(figures.p99Ms)} ms`;
}
