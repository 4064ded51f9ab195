import {
  IstioVersion,
  formatIstioVersion,
  numberedVersion,
  parseIstioVersion,
} from './IstioVersion';

// `1-10-4`, `1-27`, `1-22-0-beta-1`, optionally after a word prefix (`asm-1-20-3`, `istio-1-21`).
const REVISION_PATTERN =
  /^(?:[a-z][a-z0-9]*-)?v?(\d+)-(\d+)(?:-(\d+))?(?:-(alpha|beta|rc)(?:-(\d+))?)?$/;

/**
 * The version a revision name spells (`1-10-4` gives `1.10.4`), or undefined for a revision whose
 * name is not a version (`default`, `stable`, `canary`). The name is only a hint: the control
 * plane's image says what really runs.
 *
 * @public
 */
export function versionFromRevisionName(
  revision: string | undefined,
): string | undefined {
  const match = revision ? REVISION_PATTERN.exec(revision) : null;
  if (!match) {
    return undefined;
  }
  const version = numberedVersion(match);
  if (match[4] !== undefined) {
    version.prerelease =
      match[5] === undefined ? match[4] : `${match[4]}.${match[5]}`;
  }
  return formatIstioVersion(version);
}

/**
 * The conventional revision name of a version: `1.10.4` gives `1-10-4` (revision names never
 * contain dots); undefined when the text is not a version.
 *
 * @public
 */
export function revisionNameForVersion(
  version: IstioVersion | string | undefined,
): string | undefined {
  const parsed =
    typeof version === 'string' ? parseIstioVersion(version) : version;
  return parsed ? formatIstioVersion(parsed).replace(/\./g, '-') : undefined;
}
