/**
 * The Istio versions of the simulated Sail release, as its `pkg/istioversion/versions.yaml` lists
 * them: installable versions, `v<major>.<minor>-latest` aliases resolving to a minor's newest
 * patch, and end-of-life versions that stay valid values of `spec.version` (the CRD's enum keeps
 * them, so old objects still decode) but that the Istio controller refuses to install.
 *
 * Sail's own list at the time this was written ended at 1.30.3 and 1.31.0-beta.1; the simulated
 * release also ships the later patches the simulator's scenarios run (1.30.4, 1.31.0), as the next
 * Sail release would. As in Sail then, 1.28 and older are end of life.
 */

const installable: Record<string, string[]> = {
  '1.31': ['1.31.0'],
  '1.30': ['1.30.4', '1.30.3', '1.30.2', '1.30.1', '1.30.0'],
  '1.29': [
    '1.29.6',
    '1.29.5',
    '1.29.4',
    '1.29.3',
    '1.29.2',
    '1.29.1',
    '1.29.0',
  ],
};

const endOfLife: Record<string, string[]> = {
  '1.28': [
    '1.28.10',
    '1.28.9',
    '1.28.8',
    '1.28.7',
    '1.28.6',
    '1.28.5',
    '1.28.4',
    '1.28.3',
    '1.28.2',
    '1.28.1',
    '1.28.0',
  ],
  '1.27': [
    '1.27.9',
    '1.27.8',
    '1.27.7',
    '1.27.6',
    '1.27.5',
    '1.27.4',
    '1.27.3',
    '1.27.2',
    '1.27.1',
    '1.27.0',
  ],
  '1.26': [
    '1.26.8',
    '1.26.7',
    '1.26.6',
    '1.26.5',
    '1.26.4',
    '1.26.3',
    '1.26.2',
    '1.26.1',
    '1.26.0',
  ],
  '1.25': ['1.25.5', '1.25.4', '1.25.3', '1.25.2', '1.25.1'],
  '1.24': [
    '1.24.6',
    '1.24.5',
    '1.24.4',
    '1.24.3',
    '1.24.2',
    '1.24.1',
    '1.24.0',
  ],
  '1.23': ['1.23.6', '1.23.5', '1.23.4', '1.23.3', '1.23.2'],
  '1.22': ['1.22.8', '1.22.7', '1.22.6', '1.22.5'],
};

const v = (version: string) => `v${version}`;

function names(byMinor: Record<string, string[]>, withAliases: boolean) {
  return Object.entries(byMinor).flatMap(([minor, patches]) => [
    ...(withAliases ? [`v${minor}-latest`] : []),
    ...patches.map(v),
  ]);
}

/** The values the `Istio` CRD accepts for `spec.version` (aliases included), newest first. */
export const istioVersionEnum: string[] = [
  ...names(installable, true),
  ...names(endOfLife, true),
  'v1.21.6',
];

/** The values the `IstioRevision` CRD accepts for `spec.version`: concrete versions only. */
export const revisionVersionEnum: string[] = [
  ...names(installable, false),
  ...names(endOfLife, false),
  'v1.21.6',
];

/** The CRD's default `spec.version`: the release's newest version. */
export const defaultIstioVersion = v(installable['1.31'][0]);

/**
 * Resolves a `spec.version` to the version to install (`v1.30-latest` → `v1.30.4`), as
 * `istioversion.Resolve` does; undefined for a version that cannot be installed.
 */
export function resolveSailVersion(version: string): string | undefined {
  const alias = /^v(\d+\.\d+)-latest$/.exec(version);
  if (alias) {
    const newest = installable[alias[1]]?.[0];
    return newest ? v(newest) : undefined;
  }
  const minor = /^v(\d+\.\d+)\./.exec(version)?.[1];
  return minor && installable[minor]?.includes(version.slice(1))
    ? version
    : undefined;
}

/** Whether a version is known to the release but end of life (`istioversion.IsEOLVersion`). */
export function isEndOfLife(version: string): boolean {
  return istioVersionEnum.includes(version) && !resolveSailVersion(version);
}

/** The Istio version (without `v`) of a Sail version name, for images and chart labels. */
export function plainVersion(version: string): string {
  return version.replace(/^v/, '');
}
