import {
  INVENTORY_WARNING_CODES as W,
  NamespaceInventory,
  RevisionTag,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import type { MeshControl, Warn } from './tallies';
import { byName, listed } from './wording';

/**
 * The revision tags, sorted by name: the revision each points at, whether it exists, and the
 * namespaces that use the tag; a warning for each tag pointing nowhere.
 */
export function summarizeTags(
  control: MeshControl,
  namespaces: ReadonlyArray<NamespaceInventory>,
  warn: Warn,
): RevisionTag[] {
  const tags: RevisionTag[] = [...control.tags.entries()]
    .map(([name, revision]) => ({
      name,
      ...(revision !== undefined && { revision }),
      revisionExists: revision !== undefined && control.revisions.has(revision),
      namespaces: namespaces.filter(n => n.tag === name).map(n => n.name),
    }))
    .sort(byName);
  for (const tag of tags) {
    if (!tag.revisionExists) {
      const users =
        tag.namespaces.length > 0
          ? `; new pods in ${listed(tag.namespaces)} will fail to be created`
          : '';
      warn(
        W.tagMissingRevision,
        'error',
        { kind: 'RevisionTag', name: tag.name },
        tag.revision === undefined
          ? `Revision tag ${tag.name} points at no revision${users}`
          : `Revision tag ${tag.name} points at revision ${tag.revision}, which does not exist${users}`,
      );
    }
  }
  return tags;
}
