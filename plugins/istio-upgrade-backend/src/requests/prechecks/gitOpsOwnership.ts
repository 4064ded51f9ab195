/** The fields of an object's metadata that tell who manages it. */
export interface ManagedMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: Array<{ manager?: string; fieldsV1?: unknown }>;
}

const GITOPS_MANAGERS: Array<[RegExp, string]> = [
  [/^argocd/i, 'Argo CD'],
  [/^kustomize-controller$/i, 'Flux (kustomize-controller)'],
  [/^helm-controller$/i, 'Flux (helm-controller)'],
];

function ownsField(fieldsV1: unknown, path: string[]): boolean {
  let node: any = fieldsV1;
  for (const key of path) {
    if (!node || typeof node !== 'object') return false;
    node = node[key];
  }
  return node !== undefined;
}

/**
 * Which GitOps controller would revert a change of the given fields of this object, if any: a field
 * it manages (server-side apply's managedFields), or the object carrying its tracking annotations or
 * labels. A change it would fight must be made in Git instead.
 *
 * @param fieldPaths - fieldsV1 paths such as `['f:metadata', 'f:labels', 'f:istio-injection']`
 */
export function gitOpsOwner(
  metadata: ManagedMetadata,
  fieldPaths: string[][],
): string | undefined {
  for (const entry of metadata.managedFields ?? []) {
    const match = GITOPS_MANAGERS.find(([pattern]) =>
      pattern.test(entry.manager ?? ''),
    );
    if (match && fieldPaths.some(path => ownsField(entry.fieldsV1, path))) {
      return `${match[1]} manages these fields`;
    }
  }
  const annotations = metadata.annotations ?? {};
  const labels = metadata.labels ?? {};
  if (annotations['argocd.argoproj.io/tracking-id']) {
    return `Argo CD tracks it (${annotations['argocd.argoproj.io/tracking-id']})`;
  }
  if (labels['app.kubernetes.io/managed-by']?.toLowerCase() === 'argocd') {
    return 'Argo CD manages it (app.kubernetes.io/managed-by)';
  }
  const flux =
    labels['kustomize.toolkit.fluxcd.io/name'] ??
    labels['helm.toolkit.fluxcd.io/name'];
  if (flux) return `Flux reconciles it (${flux})`;
  return undefined;
}
