import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ISTIO_RELEASES, mergeReleaseTable } from '.';

/** The supported-releases page of istio.io, as its data file holds it (see `source` in the file). */
const page: {
  releases: {
    version: string;
    releaseDate: string;
    eolDate?: string;
    k8sVersions: string[];
  }[];
} = JSON.parse(
  readFileSync(join(__dirname, 'supportedReleasesPage.fixture.json'), 'utf8'),
);

const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];

/** `Sept 5, 2023`, `February 9, 2021` (as the page writes them) to `2023-09-05`. */
function isoDate(written: string): string {
  const match = /^([A-Za-z]+) (\d{1,2}), (\d{4})$/.exec(written);
  if (!match) throw new Error(`Not a date as the page writes them: ${written}`);
  const month = MONTHS.indexOf(match[1].slice(0, 3).toLowerCase()) + 1;
  if (month === 0) throw new Error(`Unknown month in ${written}`);
  return `${match[3]}-${String(month).padStart(2, '0')}-${match[2].padStart(
    2,
    '0',
  )}`;
}

describe('DEFAULT_ISTIO_RELEASES', () => {
  it('lists consecutive minors from 1.9, in the order they were released', () => {
    const minors = DEFAULT_ISTIO_RELEASES.map(r =>
      Number(r.minor.split('.')[1]),
    );
    expect(DEFAULT_ISTIO_RELEASES.every(r => r.minor.startsWith('1.'))).toBe(
      true,
    );
    expect(minors[0]).toBe(9);
    expect(minors).toEqual(minors.map((_, i) => minors[0] + i));
    const releaseDates = DEFAULT_ISTIO_RELEASES.map(r => r.releaseDate);
    expect([...releaseDates].sort()).toEqual(releaseDates);
  });

  it('holds real dates, each end of life after its release', () => {
    for (const release of DEFAULT_ISTIO_RELEASES) {
      for (const date of [release.releaseDate, release.endOfLife]) {
        if (date === undefined) continue;
        expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(
          date,
        );
      }
    }
    const backwards = DEFAULT_ISTIO_RELEASES.filter(
      r => r.endOfLife && r.endOfLife <= r.releaseDate,
    );
    expect(backwards).toEqual([]);
  });

  it("agrees with the dates of istio.io's supported-releases page", () => {
    expect(page.releases.length).toBeGreaterThan(10);
    const byMinor = new Map(DEFAULT_ISTIO_RELEASES.map(r => [r.minor, r]));
    const differences: string[] = [];
    for (const published of page.releases) {
      const release = byMinor.get(published.version);
      if (!release) {
        differences.push(`${published.version}: missing`);
        continue;
      }
      const releaseDate = isoDate(published.releaseDate);
      if (release.releaseDate !== releaseDate) {
        differences.push(`${published.version} released ${releaseDate}`);
      }
      if (published.eolDate) {
        const endOfLife = isoDate(published.eolDate);
        if (release.endOfLife !== endOfLife) {
          differences.push(`${published.version} end of life ${endOfLife}`);
        }
      }
    }
    // The table takes these two release dates from the releases' announcements, which are later
    // than the page's (defaultIstioReleases.ts says so); every other date is the page's.
    expect(differences).toEqual([
      '1.18 released 2023-06-03',
      '1.14 released 2022-05-24',
    ]);
  });

  it("takes its Kubernetes ranges from the page's supported Kubernetes versions", () => {
    const byMinor = new Map(DEFAULT_ISTIO_RELEASES.map(r => [r.minor, r]));
    for (const published of page.releases) {
      expect([
        published.version,
        byMinor.get(published.version)?.kubernetes,
      ]).toEqual([
        published.version,
        {
          oldest: published.k8sVersions[0],
          newest: published.k8sVersions[published.k8sVersions.length - 1],
        },
      ]);
    }
  });

  it('has a Kubernetes range for every minor, moving forward from one minor to the next', () => {
    expect(DEFAULT_ISTIO_RELEASES.filter(r => !r.kubernetes)).toEqual([]);
    const ranges = DEFAULT_ISTIO_RELEASES.map(r => ({
      minor: r.minor,
      oldest: Number(r.kubernetes!.oldest.split('.')[1]),
      newest: Number(r.kubernetes!.newest.split('.')[1]),
    }));
    const backwards = ranges.filter(
      (range, i) =>
        range.oldest > range.newest ||
        (i > 0 &&
          (range.oldest < ranges[i - 1].oldest ||
            range.newest < ranges[i - 1].newest)),
    );
    expect(backwards).toEqual([]);
    expect(
      DEFAULT_ISTIO_RELEASES.find(r => r.minor === '1.31')?.kubernetes,
    ).toEqual({ oldest: '1.32', newest: '1.36' });
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_ISTIO_RELEASES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_ISTIO_RELEASES[0])).toBe(true);
    expect(Object.isFrozen(DEFAULT_ISTIO_RELEASES[0].kubernetes)).toBe(true);
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

  it('sets or replaces a Kubernetes range as a whole', () => {
    const merged = mergeReleaseTable(
      [
        ...defaults,
        {
          minor: '1.11',
          releaseDate: '2021-08-12',
          kubernetes: { oldest: '1.18', newest: '1.22' },
        },
      ],
      [
        { minor: '1.10', kubernetes: { oldest: '1.18', newest: '1.21' } },
        { minor: '1.11', kubernetes: { oldest: '1.9', newest: '1.23' } },
      ],
    );
    expect(merged.map(r => r.kubernetes)).toEqual([
      undefined,
      { oldest: '1.18', newest: '1.21' },
      { oldest: '1.9', newest: '1.23' },
    ]);
  });

  it('refuses a malformed Kubernetes range, naming the bad value', () => {
    expect(() =>
      mergeReleaseTable(defaults, [
        { minor: '1.10', kubernetes: { oldest: 'v1.18', newest: '1.21' } },
      ]),
    ).toThrow(
      'Istio release 1.10: kubernetes.oldest must be a Kubernetes minor like 1.33, got "v1.18"',
    );
    expect(() =>
      mergeReleaseTable(defaults, [
        { minor: '1.10', kubernetes: { oldest: '1.18', newest: '1.21.3' } },
      ]),
    ).toThrow(
      'Istio release 1.10: kubernetes.newest must be a Kubernetes minor like 1.33, got "1.21.3"',
    );
    expect(() =>
      mergeReleaseTable(defaults, [
        { minor: '1.10', kubernetes: { oldest: '1.21', newest: '1.9' } },
      ]),
    ).toThrow(
      'Istio release 1.10: kubernetes.oldest "1.21" is newer than kubernetes.newest "1.9"',
    );
    expect(() =>
      mergeReleaseTable(defaults, [
        { minor: '1.10', kubernetes: '1.18-1.21' as any },
      ]),
    ).toThrow(
      'Istio release 1.10: kubernetes must have an oldest and a newest Kubernetes minor, got "1.18-1.21"',
    );
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
