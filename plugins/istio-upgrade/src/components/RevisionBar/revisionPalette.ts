import { Theme } from '@material-ui/core/styles';
import { compareIstioVersions } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/** A revision or version shown in a chart; an absent revision stands for pods without a sidecar. */
export interface RevisionKey {
  revision?: string;
  version?: string;
}

/** The key charts colour by: the version when known (so clusters compare), else the revision. */
export function colourKeyOf(entry: RevisionKey): string {
  if (entry.revision === undefined) return '';
  return entry.version ?? entry.revision;
}

/**
 * Colours for revisions from the theme's palette, newest green, then blue and onwards to red for
 * the oldest of six, so that charts read the same in light and dark themes and across clusters.
 * Pods without a sidecar are grey.
 */
export function revisionPalette(
  theme: Theme,
  entries: ReadonlyArray<RevisionKey>,
): (entry: RevisionKey) => string {
  const colours = [
    theme.palette.success.main,
    theme.palette.info.main,
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.warning.main,
    theme.palette.error.main,
    theme.palette.grey[700],
    theme.palette.grey[500],
  ];
  const keys = [
    ...new Set(entries.filter(e => e.revision !== undefined).map(colourKeyOf)),
  ].sort((a, b) => compareIstioVersions(b, a) || a.localeCompare(b, 'en-US'));
  const index = new Map(keys.map((key, i) => [key, i]));
  return entry => {
    if (entry.revision === undefined) return theme.palette.action.disabled;
    const i = index.get(colourKeyOf(entry)) ?? keys.length;
    return colours[Math.min(i, colours.length - 1)];
  };
}
