import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { MaintenanceWindow } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  MAINTENANCE_WINDOWS_ANNOTATION,
  annotatedWindows,
  nextOpening,
  parseWindowsAnnotation,
  validateWindows,
  windowOpenAt,
  windowsFor,
} from './maintenanceWindows';

const utc = (iso: string) => new Date(`${iso}Z`);
const w = (
  days: MaintenanceWindow['days'],
  start: string,
  end: string,
  timeZone = 'UTC',
): MaintenanceWindow => ({ days, start, end, timeZone });

describe('windowOpenAt', () => {
  it('is always open without windows', () => {
    expect(windowOpenAt([], utc('2026-03-29T03:00:00'))).toEqual({
      open: true,
    });
    expect(nextOpening([], utc('2026-03-29T03:00:00'))).toBeUndefined();
  });

  it('says when an open window closes and when a closed one opens', () => {
    const windows = [w(['mon', 'tue', 'wed', 'thu', 'fri'], '02:00', '06:00')];
    // Wednesday 2 December 2026.
    expect(windowOpenAt(windows, utc('2026-12-02T03:00:00'))).toEqual({
      open: true,
      closesAt: utc('2026-12-02T06:00:00'),
    });
    expect(windowOpenAt(windows, utc('2026-12-02T06:00:00'))).toEqual({
      open: false,
      opensAt: utc('2026-12-03T02:00:00'),
    });
    // Friday after the window: the next one is on Monday.
    expect(windowOpenAt(windows, utc('2026-12-04T12:00:00'))).toEqual({
      open: false,
      opensAt: utc('2026-12-07T02:00:00'),
    });
  });

  it('counts a window past midnight to the day it starts', () => {
    const windows = [w(['fri'], '22:00', '02:00')];
    // Saturday 5 December 2026, 01:00: Friday's window is still open.
    expect(windowOpenAt(windows, utc('2026-12-05T01:00:00'))).toEqual({
      open: true,
      closesAt: utc('2026-12-05T02:00:00'),
    });
    // Saturday 22:30: Saturday has no window of its own.
    expect(windowOpenAt(windows, utc('2026-12-05T22:30:00'))).toEqual({
      open: false,
      opensAt: utc('2026-12-11T22:00:00'),
    });
    // A Sunday window runs into Monday, across the end of the week.
    const sunday = [w(['sun'], '23:00', '01:00')];
    expect(windowOpenAt(sunday, utc('2026-12-07T00:30:00')).open).toBe(true);
  });

  it('carries closesAt over windows that follow without a gap', () => {
    const windows = [
      w(['mon'], '20:00', '00:00'),
      w(['tue'], '00:00', '04:00'),
    ];
    expect(windowOpenAt(windows, utc('2026-11-30T21:00:00'))).toEqual({
      open: true,
      closesAt: utc('2026-12-01T04:00:00'),
    });
  });

  it('never closes when the windows leave no gap', () => {
    const all: MaintenanceWindow['days'] = [
      'mon',
      'tue',
      'wed',
      'thu',
      'fri',
      'sat',
      'sun',
    ];
    const windows = [w(all, '00:00', '12:00'), w(all, '12:00', '00:00')];
    expect(windowOpenAt(windows, utc('2026-12-02T09:00:00'))).toEqual({
      open: true,
    });
    expect(nextOpening(windows, utc('2026-12-02T09:00:00'))).toBeUndefined();
  });

  describe('across daylight saving in Europe/Berlin', () => {
    const berlin = (days: MaintenanceWindow['days'], s: string, e: string) =>
      w(days, s, e, 'Europe/Berlin');

    it('opens at 03:00 CEST when 02:00 does not exist (Sunday 29 March 2026)', () => {
      const windows = [berlin(['sun'], '02:00', '06:00')];
      // 01:30 CET: closed, opens when the clocks jump to 03:00 CEST (01:00 UTC).
      expect(windowOpenAt(windows, utc('2026-03-29T00:30:00'))).toEqual({
        open: false,
        opensAt: utc('2026-03-29T01:00:00'),
      });
      expect(windowOpenAt(windows, utc('2026-03-29T01:30:00'))).toEqual({
        open: true,
        closesAt: utc('2026-03-29T04:00:00'),
      });
    });

    it('runs a night window across the change in local wall time', () => {
      // Saturday 22:00 CET (21:00 UTC) to Sunday 06:00 CEST (04:00 UTC): seven hours.
      const windows = [berlin(['sat'], '22:00', '06:00')];
      expect(windowOpenAt(windows, utc('2026-03-28T21:00:00'))).toEqual({
        open: true,
        closesAt: utc('2026-03-29T04:00:00'),
      });
      expect(windowOpenAt(windows, utc('2026-03-28T20:59:00')).open).toBe(
        false,
      );
    });

    it('moves a weekday window an hour earlier in UTC after the change', () => {
      const windows = [
        berlin(['mon', 'tue', 'wed', 'thu', 'fri'], '02:00', '06:00'),
      ];
      expect(nextOpening(windows, utc('2026-03-26T12:00:00'))).toEqual(
        utc('2026-03-27T01:00:00'),
      );
      expect(nextOpening(windows, utc('2026-03-27T12:00:00'))).toEqual(
        utc('2026-03-30T00:00:00'),
      );
    });

    it('gives a window over the autumn change its extra hour (Sunday 25 October 2026)', () => {
      // 01:00 CEST (23:00 UTC Saturday) to 04:00 CET (03:00 UTC): four hours.
      const windows = [berlin(['sun'], '01:00', '04:00')];
      expect(windowOpenAt(windows, utc('2026-10-24T23:30:00'))).toEqual({
        open: true,
        closesAt: utc('2026-10-25T03:00:00'),
      });
    });

    it('starts at the second 02:30 when the clocks go back', () => {
      // 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
      const windows = [berlin(['sun'], '02:30', '05:00')];
      expect(nextOpening(windows, utc('2026-10-25T00:00:00'))).toEqual(
        utc('2026-10-25T01:30:00'),
      );
    });
  });
});

describe('nextOpening', () => {
  it('is the next start after the instant, even while a window is open', () => {
    const windows = [
      w(['wed'], '02:00', '06:00'),
      w(['wed'], '10:00', '11:00'),
    ];
    expect(nextOpening(windows, utc('2026-12-02T03:00:00'))).toEqual(
      utc('2026-12-02T10:00:00'),
    );
    expect(nextOpening(windows, utc('2026-12-02T02:00:00'))).toEqual(
      utc('2026-12-02T10:00:00'),
    );
    expect(nextOpening(windows, utc('2026-12-02T01:59:00'))).toEqual(
      utc('2026-12-02T02:00:00'),
    );
  });
});

describe('validateWindows', () => {
  const check = (windows: MaintenanceWindow[]) => () =>
    validateWindows(windows, 'windows.prod-eu');

  it('accepts windows that touch without overlapping', () => {
    expect(() =>
      validateWindows(
        [w(['mon'], '02:00', '06:00'), w(['mon'], '06:00', '08:00')],
        'windows.prod-eu',
      ),
    ).not.toThrow();
  });

  it('refuses malformed times with an InputError naming the field', () => {
    expect(check([w(['mon'], '24:00', '06:00')])).toThrow(InputError);
    expect(check([w(['mon'], '24:00', '06:00')])).toThrow(
      /windows\.prod-eu: window 1: start "24:00" is not a time HH:MM/,
    );
    expect(check([w(['mon'], '2:00', '06:00')])).toThrow(/start "2:00"/);
    expect(check([w(['mon'], '02:00', '06:60')])).toThrow(/end "06:60"/);
  });

  it('refuses a window that starts when it ends', () => {
    expect(check([w(['mon'], '02:00', '02:00')])).toThrow(
      /window 1 starts and ends at 02:00/,
    );
  });

  it('refuses an unknown time zone', () => {
    expect(check([w(['mon'], '02:00', '06:00', 'Mars/Olympus_Mons')])).toThrow(
      /"Mars\/Olympus_Mons" is not a known IANA time zone/,
    );
  });

  it('refuses a day listed twice and a day that is not one', () => {
    expect(check([w(['mon', 'tue', 'mon'], '02:00', '06:00')])).toThrow(
      /window 1 lists mon twice/,
    );
    expect(check([w(['mon', 'funday' as 'mon'], '02:00', '06:00')])).toThrow(
      /"funday" is not a day/,
    );
  });

  it('refuses overlapping windows', () => {
    expect(
      check([
        w(['mon', 'tue'], '02:00', '06:00'),
        w(['tue'], '05:00', '07:00'),
      ]),
    ).toThrow(
      /window 1 \(mon,tue 02:00-06:00 UTC\) overlaps window 2 \(tue 05:00-07:00 UTC\)/,
    );
  });

  it('refuses a window past midnight that overlaps the next day', () => {
    expect(
      check([w(['sun'], '23:00', '02:00'), w(['mon'], '01:00', '03:00')]),
    ).toThrow(/window 1 .* overlaps window 2/);
  });

  it('compares windows in different time zones on the reference week', () => {
    // In January Berlin is UTC+1: 02:00-04:00 Berlin is 01:00-03:00 UTC.
    expect(
      check([
        w(['mon'], '02:00', '04:00', 'Europe/Berlin'),
        w(['mon'], '02:00', '03:00'),
      ]),
    ).toThrow(/overlaps/);
    expect(() =>
      validateWindows(
        [
          w(['mon'], '02:00', '03:00', 'Europe/Berlin'),
          w(['mon'], '02:00', '03:00'),
        ],
        'windows.prod-eu',
      ),
    ).not.toThrow();
  });
});

describe('parseWindowsAnnotation', () => {
  it('reads the compact form', () => {
    expect(
      parseWindowsAnnotation(
        'Mon-Fri 02:00-06:00 Europe/Berlin; Sat,Sun 00:00-23:59 UTC',
      ),
    ).toEqual([
      w(['mon', 'tue', 'wed', 'thu', 'fri'], '02:00', '06:00', 'Europe/Berlin'),
      w(['sat', 'sun'], '00:00', '23:59', 'UTC'),
    ]);
  });

  it('reads ranges over the end of the week, lower case and a trailing semicolon', () => {
    expect(parseWindowsAnnotation('fri-mon 22:00-02:00 UTC;')).toEqual([
      w(['fri', 'sat', 'sun', 'mon'], '22:00', '02:00'),
    ]);
  });

  it.each([
    ['', /annotation istio-upgrade.io\/maintenance-windows is empty/],
    [' ; ', /is empty/],
    [
      'Mon-Fri 02:00-06:00',
      /window 1 "Mon-Fri 02:00-06:00" is not "<days> <start>-<end> <time zone>"/,
    ],
    ['Mon-Fri 02:00 UTC', /"02:00" is not a start and an end like 02:00-06:00/],
    ['Funday 02:00-06:00 UTC', /"Funday" is not a day/],
    [
      'Mon-Fri-Sat 02:00-06:00 UTC',
      /"Mon-Fri-Sat" is not a day or a range of days/,
    ],
    ['Mon 25:00-06:00 UTC', /start "25:00" is not a time HH:MM/],
    ['Mon 02:00-02:00 UTC', /starts and ends at 02:00/],
    [
      'Mon 02:00-06:00 Europe/Atlantis',
      /"Europe\/Atlantis" is not a known IANA time zone/,
    ],
    ['Mon,Mon 02:00-06:00 UTC', /lists mon twice/],
    [
      'Mon-Fri 02:00-06:00 UTC; Wed 05:00-07:00 UTC',
      /window 1 \(mon,tue,wed,thu,fri 02:00-06:00 UTC\) overlaps window 2/,
    ],
  ])('refuses %j', (text, reason) => {
    expect(() => parseWindowsAnnotation(text)).toThrow(InputError);
    expect(() => parseWindowsAnnotation(text)).toThrow(reason);
  });
});

describe('annotatedWindows', () => {
  const cluster = (annotations: Record<string, string>): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'prod-eu', annotations },
    spec: { type: 'kubernetes-cluster' },
  });

  it('reads the annotation, or nothing when there is none', () => {
    expect(annotatedWindows(cluster({}))).toBeUndefined();
    expect(
      annotatedWindows(
        cluster({ [MAINTENANCE_WINDOWS_ANNOTATION]: 'Sat 01:00-05:00 UTC' }),
      ),
    ).toEqual([w(['sat'], '01:00', '05:00')]);
  });

  it('names the entity when the annotation is malformed', () => {
    expect(() =>
      annotatedWindows(
        cluster({ [MAINTENANCE_WINDOWS_ANNOTATION]: 'Sat 01:00-05:00' }),
      ),
    ).toThrow(
      /resource:default\/prod-eu: annotation istio-upgrade.io\/maintenance-windows: window 1/,
    );
  });
});

describe('windowsFor', () => {
  const config = {
    '*': [w(['sun'], '01:00', '02:00')],
    'prod-eu': [w(['mon'], '01:00', '02:00')],
  };
  const annotation = [w(['tue'], '01:00', '02:00')];
  const request = {
    '*': [w(['wed'], '01:00', '02:00')],
    'prod-eu': [w(['thu'], '01:00', '02:00')],
  };

  it('takes the request by name, then the request for all, then the annotation, then config by name, then config for all', () => {
    expect(windowsFor('prod-eu', { config, annotation, request })).toEqual(
      request['prod-eu'],
    );
    expect(windowsFor('prod-us', { config, annotation, request })).toEqual(
      request['*'],
    );
    expect(windowsFor('prod-eu', { config, annotation })).toEqual(annotation);
    expect(windowsFor('prod-eu', { config })).toEqual(config['prod-eu']);
    expect(windowsFor('prod-us', { config })).toEqual(config['*']);
    expect(windowsFor('prod-us', {})).toEqual([]);
  });

  it('lets an empty list set in the request mean always open', () => {
    expect(
      windowsFor('prod-eu', { config, annotation, request: { 'prod-eu': [] } }),
    ).toEqual([]);
  });
});
