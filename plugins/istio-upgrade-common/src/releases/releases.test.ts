import { DEFAULT_ISTIO_RELEASES, mergeReleaseTable } from '.';

describe('DEFAULT_ISTIO_RELEASES', () => {
  it('lists every minor from 1.9 to 1.31 in order, once each', () => {
    expect(DEFAULT_ISTIO_RELEASES.map(r => r.minor)).toEqual(
      Array.from({ length: 23 }, (_, i) => `1.${i + 9}`),
    );
  });

  it('holds real dates, each end of life after its release', () => {
    for (const release of DEFAULT_ISTIO_RELEASES) {
      expect(release.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(release.releaseDate))).toBe(false);
    }
    const withEnd = DEFAULT_ISTIO_RELEASES.filter(r => r.endOfLife);
    expect(withEnd.map(r => r.minor)).toEqual(
      Array.from({ length: 21 }, (_, i) => `1.${i + 9}`),
    );
    expect(withEnd.filter(r => r.endOfLife! <= r.releaseDate)).toEqual([]);
    const releaseDates = DEFAULT_ISTIO_RELEASES.map(r => r.releaseDate);
    expect([...releaseDates].sort()).toEqual(releaseDates);
  });

  it('records the releases istio.io announced', () => {
    const byMinor = new Map(DEFAULT_ISTIO_RELEASES.map(r => [r.minor, r]));
    expect(byMinor.get('1.30')).toEqual({
      minor: '1.30',
      releaseDate: '2026-05-18',
    });
    expect(byMinor.get('1.10')).toEqual({
      minor: '1.10',
      releaseDate: '2021-05-18',
      endOfLife: '2022-01-07',
    });
    expect(byMinor.get('1.29')?.endOfLife).toBe('2026-10-12');
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_ISTIO_RELEASES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_ISTIO_RELEASES[0])).toBe(true);
  });
});

describe('mergeReleaseTable', () => {
  const defaults = [
    { minor: '1.9', releaseDate: '2021-02-09', endOfLife: '2021-10-08' },
    { minor: '1.10', releaseDate: '2021-05-18' },
  ];

  it('overrides a minor field by field, keeping the rest', () => {
    const merged = mergeReleaseTable(defaults, [
      { minor: '1.10', endOfLife: '2022-06-30' },
    ]);
    expect(merged).toEqual([
      defaults[0],
      { minor: '1.10', releaseDate: '2021-05-18', endOfLife: '2022-06-30' },
    ]);
  });

  it('adds a new minor, sorted by number rather than text', () => {
    const merged = mergeReleaseTable(defaults, [
      { minor: '1.11', releaseDate: '2021-08-12' },
    ]);
    expect(merged.map(r => r.minor)).toEqual(['1.9', '1.10', '1.11']);
  });

  it('leaves the defaults untouched', () => {
    mergeReleaseTable(defaults, [{ minor: '1.10', endOfLife: '2022-06-30' }]);
    expect(defaults[1]).toEqual({ minor: '1.10', releaseDate: '2021-05-18' });
  });

  it('refuses malformed entries with a message naming them', () => {
    expect(() => mergeReleaseTable(defaults, [{ minor: '1.12' }])).toThrow(
      'Istio release 1.12 is not in the default table and needs a releaseDate',
    );
    expect(() =>
      mergeReleaseTable(defaults, [
        { minor: '1-12', releaseDate: '2021-01-01' },
      ]),
    ).toThrow(/minor must look like 1.27/);
    expect(() =>
      mergeReleaseTable(defaults, [{ minor: '1.10', endOfLife: '30/06/2022' }]),
    ).toThrow(
      'Istio release 1.10: endOfLife must be a date written YYYY-MM-DD, got "30/06/2022"',
    );
  });
});
