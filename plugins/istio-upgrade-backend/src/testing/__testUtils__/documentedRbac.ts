import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AuditEvent } from './realCluster';

/** The RBAC rules the backend plugin's README documents, as `[apiGroup, resource, verb]` grants. */
export function documentedRbac(): Array<{
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}> {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const block =
    /<!-- rbac:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- rbac:end -->/.exec(
      readme,
    );
  if (!block) throw new Error('the README has no rbac block');
  return parseAllDocuments(block[1])
    .map(doc => doc.toJS())
    .filter(doc => doc?.kind === 'ClusterRole')
    .flatMap(role => role.rules);
}

/** Whether the documented rules grant what an audit event records. */
export function allowedByRbac(
  event: AuditEvent,
  rules: ReturnType<typeof documentedRbac>,
) {
  const ref = event.objectRef;
  if (!ref?.resource) return false;
  const resource = ref.subresource
    ? `${ref.resource}/${ref.subresource}`
    : ref.resource;
  return rules.some(
    rule =>
      rule.apiGroups.includes(ref.apiGroup ?? '') &&
      rule.resources.includes(resource) &&
      rule.verbs.includes(event.verb),
  );
}
