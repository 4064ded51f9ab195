import { RevisionCandidate } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** What an install of a candidate's minor asks for: a version and its revision name, or why not. */
export type InstallChoice =
  | {
      version: string;
      revision: string;
      refused?: undefined;
      badVersion?: undefined;
    }
  /** `badVersion`: the text is not a version of the minor (else the candidate's verdict refuses). */
  | { refused: string; badVersion: boolean };

const dashed = (version: string) => version.replace(/\./g, '-');

/**
 * The version and revision name of an install of `candidate`'s minor at the patch `versionText`
 * (the candidate's own version unless edited). The revision is named as the candidate's is, with
 * the version's dashes in place of the candidate's (`1-31-0` → `1-31-2`, Sail's `default-v1-31-0`
 * → `default-v1-31-2`). Refused: a text that is not a patch of the minor, and the candidate's own
 * version when its verdict blocks it (an edited patch is left to the dry run, which checks it).
 */
export function installChoice(
  candidate: RevisionCandidate,
  versionText: string,
): InstallChoice {
  const version = versionText.trim();
  if (
    !new RegExp(`^${candidate.minor.replace(/\./g, '\\.')}\\.\\d+$`).test(
      version,
    )
  ) {
    return {
      refused: `Type a version of Istio ${candidate.minor}, such as ${candidate.minor}.0`,
      badVersion: true,
    };
  }
  if (version === candidate.version && !candidate.allowed) {
    const failing = candidate.checks
      .filter(c => c.status === 'fail')
      .map(c => c.message);
    return {
      refused: `Istio ${version} cannot be installed: ${failing.join('; ')}`,
      badVersion: false,
    };
  }
  const suffix = dashed(candidate.version);
  const revision = candidate.revision.endsWith(suffix)
    ? `${candidate.revision.slice(0, -suffix.length)}${dashed(version)}`
    : dashed(version);
  return { version, revision };
}
