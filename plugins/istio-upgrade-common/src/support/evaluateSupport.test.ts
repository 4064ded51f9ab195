import { DEFAULT_ISTIO_RELEASES } from '../releases';
import { endOfLifeOf, evaluateSupport } from '.';

const releases = [
  { minor: '1.9', releaseDate: '2021-02-09', endOfLife: '2021-10-08' },
  { minor: '1.10', releaseDate: '2021-05-18' },
  { minor: '1.11', releaseDate: '2021-08-12' },
  { minor: '1.12', releaseDate: '2021-11-18' },
  { minor: '1.13', releaseDate: '2022-02-11' },
];
const day = (date: string) => Date.parse(`${date}T12:00:00Z`);

describe('evaluateSupport', () => {
  it('derives the end of life as six weeks after the release of the minor two above', () => {
    // 1.12.0 on 2021-11-18 + 42 days
    expect(endOfLifeOf('1.10', releases)).toBe('2021-12-30');
    expect(evaluateSupport('1.10.4', releases, day('2021-06-01'))).toEqual({
      status: 'supported',
      minor: '1.10',
      releaseDate: '2021-05-18',
      endOfLife: '2021-12-30',
      daysToEndOfLife: 212,
    });
  });

  it('prefers an end of life the table gives', () => {
    expect(
      evaluateSupport('1.9.7', releases, day('2021-06-01')).endOfLife,
    ).toBe('2021-10-08');
  });

  it('is ending soon within the window, and the window is configurable', () => {
    expect(
      evaluateSupport('1.10.4', releases, day('2021-11-15')),
    ).toMatchObject({
      status: 'ending-soon',
      daysToEndOfLife: 45,
    });
    expect(
      evaluateSupport('1.10.4', releases, day('2021-11-15'), {
        endingSoonDays: 30,
      }).status,
    ).toBe('supported');
  });

  it('is end of life from the end-of-life day on', () => {
    expect(
      evaluateSupport('1.10.4', releases, Date.parse('2021-12-30T00:00:00Z')),
    ).toMatchObject({ status: 'end-of-life', daysToEndOfLife: 0 });
    expect(
      evaluateSupport('1.9.0', releases, new Date('2022-01-01T00:00:00Z')),
    ).toMatchObject({
      status: 'end-of-life',
      daysToEndOfLife: -85,
    });
  });

  it('is supported without an end date while the minor two above is not out', () => {
    expect(evaluateSupport('1.12.1', releases, day('2022-03-01'))).toEqual({
      status: 'supported',
      minor: '1.12',
      releaseDate: '2021-11-18',
    });
  });

  it('is unknown for a minor missing from the table or an unreadable version', () => {
    expect(evaluateSupport('1.40.0', releases, day('2022-03-01'))).toEqual({
      status: 'unknown',
      minor: '1.40',
    });
    expect(evaluateSupport(undefined, releases, day('2022-03-01'))).toEqual({
      status: 'unknown',
    });
  });

  it('judges the default table on 2026-11-25', () => {
    const now = day('2026-11-25');
    expect(evaluateSupport('1.29.3', DEFAULT_ISTIO_RELEASES, now).status).toBe(
      'end-of-life',
    );
    expect(evaluateSupport('1.30.2', DEFAULT_ISTIO_RELEASES, now).status).toBe(
      'supported',
    );
    expect(evaluateSupport('1.31.1', DEFAULT_ISTIO_RELEASES, now).status).toBe(
      'supported',
    );
  });
});
