/** Where the API server serves a kind: its apiVersion, plural resource and scope. */
export interface ObjectKind {
  kind: string;
  apiVersion: string;
  resource: string;
  namespaced: boolean;
}

function kind(
  name: string,
  apiVersion: string,
  resource: string,
  namespaced: boolean,
): ObjectKind {
  return { kind: name, apiVersion, resource, namespaced };
}

/**
 * The kinds a control-plane install or removal reads, creates or deletes: what the istio-discovery
 * chart installs for a revision (and what `istioctl uninstall --revision` prunes), a blue/green
 * gateway's objects, and Sail's resources.
 */
export const OBJECT_KINDS: Record<string, ObjectKind> = Object.fromEntries(
  [
    kind('Namespace', 'v1', 'namespaces', false),
    kind('Pod', 'v1', 'pods', true),
    kind('Gateway', 'gateway.networking.k8s.io/v1', 'gateways', true),
    kind('Deployment', 'apps/v1', 'deployments', true),
    kind('Service', 'v1', 'services', true),
    kind('ConfigMap', 'v1', 'configmaps', true),
    kind('ServiceAccount', 'v1', 'serviceaccounts', true),
    kind(
      'HorizontalPodAutoscaler',
      'autoscaling/v2',
      'horizontalpodautoscalers',
      true,
    ),
    kind('PodDisruptionBudget', 'policy/v1', 'poddisruptionbudgets', true),
    kind('Role', 'rbac.authorization.k8s.io/v1', 'roles', true),
    kind('RoleBinding', 'rbac.authorization.k8s.io/v1', 'rolebindings', true),
    kind('ClusterRole', 'rbac.authorization.k8s.io/v1', 'clusterroles', false),
    kind(
      'ClusterRoleBinding',
      'rbac.authorization.k8s.io/v1',
      'clusterrolebindings',
      false,
    ),
    kind(
      'MutatingWebhookConfiguration',
      'admissionregistration.k8s.io/v1',
      'mutatingwebhookconfigurations',
      false,
    ),
    kind(
      'ValidatingWebhookConfiguration',
      'admissionregistration.k8s.io/v1',
      'validatingwebhookconfigurations',
      false,
    ),
    kind('Istio', 'sailoperator.io/v1', 'istios', false),
    kind('IstioRevision', 'sailoperator.io/v1', 'istiorevisions', false),
    kind('IstioRevisionTag', 'sailoperator.io/v1', 'istiorevisiontags', false),
  ].map(k => [k.kind, k]),
);

/** The kind's entry, or an error naming it. */
export function objectKind(name: string): ObjectKind {
  const found = OBJECT_KINDS[name];
  if (!found) throw new Error(`No API path is known for kind ${name}`);
  return found;
}

/** The API path of a kind's collection (in a namespace when it is namespaced and one is given). */
export function collectionPath(kindOf: ObjectKind, namespace?: string): string {
  const base =
    kindOf.apiVersion === 'v1' ? '/api/v1' : `/apis/${kindOf.apiVersion}`;
  const scope =
    kindOf.namespaced && namespace
      ? `/namespaces/${encodeURIComponent(namespace)}`
      : '';
  return `${base}${scope}/${kindOf.resource}`;
}

/** The API path of one object. */
export function objectPath(
  kindOf: ObjectKind,
  namespace: string | undefined,
  name: string,
): string {
  return `${collectionPath(kindOf, namespace)}/${encodeURIComponent(name)}`;
}
