import { PlannedPatch } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * Whether a patch restarts a workload (its pod template changes), rather than relabelling,
 * creating or deleting something.
 */
export function isRestartPatch(patch: PlannedPatch): boolean {
  return (
    WORKLOAD_KINDS.has(patch.kind) &&
    patch.patchType !== 'create' &&
    patch.patchType !== 'delete'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeMap(
  what: string,
  map: Record<string, unknown>,
  out: string[],
): void {
  for (const [key, value] of Object.entries(map)) {
    out.push(
      value === null
        ? `remove ${what} ${key}`
        : `set ${what} ${key}=${String(value)}`,
    );
  }
}

/**
 * A patch's effect in words, as a person checks it before confirming: the labels, annotations and
 * selector entries it sets or removes (`remove label istio-injection`, `set label
 * istio.io/rev=1-10-4`), for JSON patches each operation, and for a create or delete that it
 * creates or deletes the object (with the uid a deletion requires). Empty when the body says nothing
 * this recognises; the raw body is shown beside it anyway.
 */
export function describePatch(patch: PlannedPatch): string[] {
  const out: string[] = [];
  const body: unknown = patch.patch;
  if (patch.patchType === 'delete') {
    const preconditions = isRecord(body) ? body.preconditions : undefined;
    const uid = isRecord(preconditions) ? preconditions.uid : undefined;
    return [
      uid === undefined
        ? 'delete the object'
        : `delete the object, only if its uid is still ${String(uid)}`,
    ];
  }
  if (patch.patchType === 'create') return ['create the object as shown'];
  if (patch.patchType === 'json' && Array.isArray(body)) {
    for (const op of body) {
      if (isRecord(op)) {
        const value =
          op.value === undefined ? '' : ` = ${JSON.stringify(op.value)}`;
        out.push(`${String(op.op)} ${String(op.path)}${value}`);
      }
    }
    return out;
  }
  if (!isRecord(body)) return out;
  const metadata = isRecord(body.metadata) ? body.metadata : undefined;
  if (metadata && isRecord(metadata.labels)) {
    describeMap('label', metadata.labels, out);
  }
  if (metadata && isRecord(metadata.annotations)) {
    describeMap('annotation', metadata.annotations, out);
  }
  const spec = isRecord(body.spec) ? body.spec : undefined;
  if (spec && isRecord(spec.selector)) {
    describeMap('selector', spec.selector, out);
  }
  const template = spec && isRecord(spec.template) ? spec.template : undefined;
  const templateMeta =
    template && isRecord(template.metadata) ? template.metadata : undefined;
  if (templateMeta && isRecord(templateMeta.annotations)) {
    describeMap('pod annotation', templateMeta.annotations, out);
  }
  return out;
}
