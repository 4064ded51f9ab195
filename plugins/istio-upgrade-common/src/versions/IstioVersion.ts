/**
 * An Istio version read from an image tag or a revision name.
 *
 * @public
 */
export interface IstioVersion {
  major: number;
  minor: number;
  /** Absent when only `major.minor` is known (a revision named `1-27`). */
  patch?: number;
  /** A pre-release such as `beta.1` or `rc.0`. */
  prerelease?: string;
  /** An image flavour such as `distroless` or `debug`; it does not change the version. */
  variant?: string;
}

const VERSION_PATTERN = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;
const PRERELEASE_PATTERN = /^(alpha|beta|rc)(\.\d+)?$/;

/** The version a pattern matched, with major, minor and an optional patch in its first three groups. */
export function numberedVersion(match: RegExpExecArray): IstioVersion {
  const version: IstioVersion = {
    major: Number(match[1]),
    minor: Number(match[2]),
  };
  if (match[3] !== undefined) {
    version.patch = Number(match[3]);
  }
  return version;
}

/**
 * Parses `1.10.4`, `1.10.4-distroless`, `1.22.0-beta.1` or `1.27`; returns undefined for anything
 * else (`latest`, a daily build tag, an empty string).
 *
 * @public
 */
export function parseIstioVersion(
  text: string | undefined,
): IstioVersion | undefined {
  if (!text) {
    return undefined;
  }
  const match = VERSION_PATTERN.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const version = numberedVersion(match);
  if (match[4] !== undefined) {
    // A suffix is either a pre-release (`beta.1`), a flavour (`distroless`), or both
    // (`1.22.0-beta.1-distroless`); only the pre-release orders versions.
    const parts = match[4].split('-');
    if (PRERELEASE_PATTERN.test(parts[0])) {
      version.prerelease = parts[0];
      parts.shift();
    }
    if (parts.length > 0) {
      version.variant = parts.join('-');
    }
  }
  return version;
}

/**
 * Writes a version back as text without its image flavour: `1.27.1-distroless` becomes `1.27.1`.
 *
 * @public
 */
export function formatIstioVersion(version: IstioVersion): string {
  const base =
    version.patch === undefined
      ? `${version.major}.${version.minor}`
      : `${version.major}.${version.minor}.${version.patch}`;
  return version.prerelease ? `${base}-${version.prerelease}` : base;
}

/**
 * The minor release a version belongs to, as the release table names it (`1.27`).
 *
 * @public
 */
export function istioMinorOf(
  version: IstioVersion | string | undefined,
): string | undefined {
  const parsed =
    typeof version === 'string' ? parseIstioVersion(version) : version;
  return parsed ? `${parsed.major}.${parsed.minor}` : undefined;
}
