import { IstioRelease } from './IstioRelease';

/**
 * Istio minor releases from 1.9 to 1.31 (the newest as of 2026-11-25), with their release dates
 * and officially announced ends of life.
 *
 * Sources: release dates are the publish dates of the `news/releases/1.N.x/announcing-1.N`
 * announcements on istio.io (they match the release tags); ends of life up to 1.24 are the
 * "End of Life" column of istio.io's supported-releases table (data/compatibility/supportStatus
 * in the istio.io repository, also carried by endoflife.date); from 1.25 on they are the dates of
 * istio.io's "Support for Istio 1.N has ended" notices (`news/support/announcing-1.N-eol-final`),
 * or of the advance notice (`announcing-1.N-eol`) where no final one was found. The
 * supported-releases table shows 1.14 on May 24, 2022 and 1.18 on Jun 3, 2023; the announcements
 * (used here) say 2022-06-01 and 2023-06-07. 1.30 and 1.31 have no announced end of life (1.32 was
 * not released by 2026-11-25), so theirs is derived.
 *
 * Kubernetes ranges are the "Supported Kubernetes Versions" column of the same table (its
 * `k8sVersions` field; the "tested, but not supported" minors are left out): 1.9 to 1.12 from the
 * version of its data file that lists 1.7 to 1.17, 1.13 to 1.22 from a later version, 1.23 to 1.26
 * from the table as istio.io rendered it while 1.26 was the newest, and 1.27 to 1.29 from the table
 * as endoflife.date copies it (no copy of the per-minor data files was at hand). No copy of the
 * table seen lists 1.30 or 1.31; theirs is the "officially supported on Kubernetes versions" line of
 * their release announcements (1.32 to 1.36 for both).
 *
 * @public
 */
export const DEFAULT_ISTIO_RELEASES: ReadonlyArray<IstioRelease> =
  Object.freeze(
    [
      {
        minor: '1.9',
        releaseDate: '2021-02-09',
        endOfLife: '2021-10-08',
        kubernetes: { oldest: '1.17', newest: '1.20' },
      },
      {
        minor: '1.10',
        releaseDate: '2021-05-18',
        endOfLife: '2022-01-07',
        kubernetes: { oldest: '1.18', newest: '1.21' },
      },
      {
        minor: '1.11',
        releaseDate: '2021-08-12',
        endOfLife: '2022-03-25',
        kubernetes: { oldest: '1.18', newest: '1.22' },
      },
      {
        minor: '1.12',
        releaseDate: '2021-11-18',
        endOfLife: '2022-07-12',
        kubernetes: { oldest: '1.19', newest: '1.22' },
      },
      {
        minor: '1.13',
        releaseDate: '2022-02-11',
        endOfLife: '2022-10-12',
        kubernetes: { oldest: '1.20', newest: '1.23' },
      },
      {
        minor: '1.14',
        releaseDate: '2022-06-01',
        endOfLife: '2022-12-27',
        kubernetes: { oldest: '1.21', newest: '1.24' },
      },
      {
        minor: '1.15',
        releaseDate: '2022-08-31',
        endOfLife: '2023-04-04',
        kubernetes: { oldest: '1.22', newest: '1.25' },
      },
      {
        minor: '1.16',
        releaseDate: '2022-11-15',
        endOfLife: '2023-07-25',
        kubernetes: { oldest: '1.22', newest: '1.25' },
      },
      {
        minor: '1.17',
        releaseDate: '2023-02-14',
        endOfLife: '2023-10-27',
        kubernetes: { oldest: '1.23', newest: '1.26' },
      },
      {
        minor: '1.18',
        releaseDate: '2023-06-07',
        endOfLife: '2024-01-04',
        kubernetes: { oldest: '1.24', newest: '1.27' },
      },
      {
        minor: '1.19',
        releaseDate: '2023-09-05',
        endOfLife: '2024-04-24',
        kubernetes: { oldest: '1.25', newest: '1.28' },
      },
      {
        minor: '1.20',
        releaseDate: '2023-11-14',
        endOfLife: '2024-06-25',
        kubernetes: { oldest: '1.25', newest: '1.29' },
      },
      {
        minor: '1.21',
        releaseDate: '2024-03-13',
        endOfLife: '2024-09-27',
        kubernetes: { oldest: '1.26', newest: '1.29' },
      },
      {
        minor: '1.22',
        releaseDate: '2024-05-13',
        endOfLife: '2025-01-22',
        kubernetes: { oldest: '1.27', newest: '1.30' },
      },
      {
        minor: '1.23',
        releaseDate: '2024-08-14',
        endOfLife: '2025-04-16',
        kubernetes: { oldest: '1.27', newest: '1.30' },
      },
      {
        minor: '1.24',
        releaseDate: '2024-11-07',
        endOfLife: '2025-06-24',
        kubernetes: { oldest: '1.28', newest: '1.31' },
      },
      // Announced for September 22, 2025; the final notice is dated 2025-09-30.
      {
        minor: '1.25',
        releaseDate: '2025-03-03',
        endOfLife: '2025-09-30',
        kubernetes: { oldest: '1.29', newest: '1.32' },
      },
      {
        minor: '1.26',
        releaseDate: '2025-05-08',
        endOfLife: '2025-12-19',
        kubernetes: { oldest: '1.29', newest: '1.33' },
      },
      {
        minor: '1.27',
        releaseDate: '2025-08-11',
        endOfLife: '2026-03-30',
        kubernetes: { oldest: '1.29', newest: '1.33' },
      },
      // Announced for June 28, 2026; the final notice (and the last patch, 1.28.10) is dated 2026-07-01.
      // The 1.28.0 announcement says 1.29 to 1.34; the supported-releases table (used here) starts at 1.30.
      {
        minor: '1.28',
        releaseDate: '2025-11-05',
        endOfLife: '2026-07-01',
        kubernetes: { oldest: '1.30', newest: '1.34' },
      },
      // Advance notice only ("ends on the 12th of October, 2026"); the 1.29.9 note (zh) says 15 October.
      // Released 2026-02-16 (tag and endoflife.date; six weeks before 1.27's end on 2026-03-30).
      {
        minor: '1.29',
        releaseDate: '2026-02-16',
        endOfLife: '2026-10-12',
        kubernetes: { oldest: '1.31', newest: '1.35' },
      },
      {
        minor: '1.30',
        releaseDate: '2026-05-18',
        kubernetes: { oldest: '1.32', newest: '1.36' },
      },
      // "Istio 1.31 was released on the 31st of August, 2026" (istio.io, 1.29 end-of-life notice).
      {
        minor: '1.31',
        releaseDate: '2026-08-31',
        kubernetes: { oldest: '1.32', newest: '1.36' },
      },
    ].map(release =>
      Object.freeze({
        ...release,
        kubernetes: Object.freeze(release.kubernetes),
      }),
    ),
  );
