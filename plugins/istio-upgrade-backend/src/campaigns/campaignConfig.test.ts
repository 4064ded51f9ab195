import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { readCampaignSettings } from './campaignConfig';

const read = (campaigns: JsonObject) =>
  readCampaignSettings(new ConfigReader({ istioUpgrade: { campaigns } }));

describe('readCampaignSettings', () => {
  it('has defaults for everything', () => {
    expect(readCampaignSettings(new ConfigReader({}))).toEqual({
      maintenanceWindows: {},
      defaultSoakSeconds: 86400,
      engineIntervalMs: 5000,
      notifyAheadSeconds: 86400,
      maxDeferSeconds: 604800,
      unreachableRetries: 5,
      defaultGate: {
        windowSeconds: 600,
        max5xxIncreasePoints: 0.5,
        maxP99IncreasePercent: 20,
      },
    });
  });

  it('reads durations as human durations, ISO 8601 or short strings, and the rest as given', () => {
    const settings = read({
      defaultSoak: { seconds: 30 },
      engineInterval: '500ms',
      notifyAhead: 'PT2H',
      maxDefer: { days: 2 },
      unreachableRetries: 0,
      defaultGate: { windowSeconds: 30, max5xxIncreasePoints: 1 },
      maintenanceWindows: {
        '*': [
          {
            days: ['sat', 'sun'],
            start: '00:00',
            end: '23:59',
            timeZone: 'UTC',
          },
        ],
        'prod-eu': [
          {
            days: ['mon', 'tue'],
            start: '22:00',
            end: '02:00',
            timeZone: 'Europe/Berlin',
          },
        ],
      },
    });
    expect(settings).toEqual({
      maintenanceWindows: {
        '*': [
          {
            days: ['sat', 'sun'],
            start: '00:00',
            end: '23:59',
            timeZone: 'UTC',
          },
        ],
        'prod-eu': [
          {
            days: ['mon', 'tue'],
            start: '22:00',
            end: '02:00',
            timeZone: 'Europe/Berlin',
          },
        ],
      },
      defaultSoakSeconds: 30,
      engineIntervalMs: 500,
      notifyAheadSeconds: 7200,
      maxDeferSeconds: 172800,
      unreachableRetries: 0,
      defaultGate: {
        windowSeconds: 30,
        max5xxIncreasePoints: 1,
        maxP99IncreasePercent: 20,
      },
    });
  });

  it('refuses configured windows that overlap or name an unknown zone, naming the key', () => {
    expect(() =>
      read({
        maintenanceWindows: {
          'prod-eu': [
            { days: ['mon'], start: '02:00', end: '06:00', timeZone: 'UTC' },
            { days: ['mon'], start: '05:00', end: '07:00', timeZone: 'UTC' },
          ],
        },
      }),
    ).toThrow(
      /istioUpgrade\.campaigns\.maintenanceWindows\["prod-eu"\]: window 1 .* overlaps window 2/,
    );
    expect(() =>
      read({
        maintenanceWindows: {
          '*': [
            { days: ['mon'], start: '02:00', end: '06:00', timeZone: 'Moon' },
          ],
        },
      }),
    ).toThrow(InputError);
  });

  it('refuses a soak above 30 days, a too-short engine interval and values out of range', () => {
    expect(() => read({ defaultSoak: { days: 31 } })).toThrow(
      /istioUpgrade\.campaigns\.defaultSoak: 2678400 seconds is more than the limit of 2592000 \(30 days\)/,
    );
    expect(() => read({ engineInterval: '10ms' })).toThrow(
      /engineInterval: 10 ms is less than the least of 100 ms/,
    );
    expect(() => read({ unreachableRetries: 1.5 })).toThrow(
      /unreachableRetries: 1.5 is not a whole number from 0 to 1000/,
    );
    expect(() => read({ defaultGate: { windowSeconds: 1 } })).toThrow(
      /istioUpgrade\.campaigns\.defaultGate\.windowSeconds: 1 is not a whole number from 5 to 86400/,
    );
  });
});
