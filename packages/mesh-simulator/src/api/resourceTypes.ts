import {
  sailGroup,
  sailResourceTypes,
  sailVersion,
} from '../sail/sailResources';

/**
 * One served resource type: where it lives in the API and how discovery describes it.
 *
 * @public
 */
export interface ResourceType {
  /** API group, '' for the core group. */
  group: string;
  version: string;
  /** Plural resource name used in URLs. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  subresources: Array<'status' | 'scale'>;
  categories: string[];
  /** Field selector keys the real API server accepts for this type, beyond metadata.name/namespace. */
  fieldSelectors: string[];
}

const allVerbs = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function type(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    resource,
    kind,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    subresources: [],
    categories: [],
    fieldSelectors: [],
    ...extra,
  };
}

/** Every resource type the simulator serves, in discovery order. */
export const resourceTypes: ResourceType[] = [
  type('', 'v1', 'namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    subresources: ['status'],
    fieldSelectors: ['status.phase'],
  }),
  type('', 'v1', 'nodes', 'Node', false, {
    shortNames: ['no'],
    subresources: ['status'],
    fieldSelectors: ['spec.unschedulable'],
  }),
  type('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    subresources: ['status'],
    categories: ['all'],
    fieldSelectors: [
      'status.phase',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'status.podIP',
      'status.nominatedNodeName',
    ],
  }),
  type('', 'v1', 'services', 'Service', true, {
    shortNames: ['svc'],
    subresources: ['status'],
    categories: ['all'],
  }),
  type('', 'v1', 'endpoints', 'Endpoints', true, {
    shortNames: ['ep'],
    singular: 'endpoints',
  }),
  type('', 'v1', 'events', 'Event', true, {
    shortNames: ['ev'],
    fieldSelectors: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
  }),
  type('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  type('', 'v1', 'serviceaccounts', 'ServiceAccount', true, {
    shortNames: ['sa'],
  }),
  type('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
  type('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    subresources: ['status', 'scale'],
    categories: ['all'],
    fieldSelectors: ['status.replicas'],
  }),
  type('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    subresources: ['status', 'scale'],
    categories: ['all'],
  }),
  type('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    subresources: ['status'],
    categories: ['all'],
  }),
  type('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  type(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    { shortNames: ['hpa'], subresources: ['status'], categories: ['all'] },
  ),
  type(
    'admissionregistration.k8s.io',
    'v1',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    false,
    { categories: ['api-extensions'] },
  ),
  type(
    'admissionregistration.k8s.io',
    'v1',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    false,
    { categories: ['api-extensions'] },
  ),
  type('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  type('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
    subresources: ['status'],
  }),
  type('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  type(
    'rbac.authorization.k8s.io',
    'v1',
    'clusterrolebindings',
    'ClusterRoleBinding',
    false,
  ),
  type('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  type('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  // The Gateway API's Gateway, as its CRD (standard channel) serves it.
  type('gateway.networking.k8s.io', 'v1', 'gateways', 'Gateway', true, {
    shortNames: ['gtw'],
    subresources: ['status'],
    categories: ['gateway-api'],
  }),
  // The Sail operator's CRDs (sailoperator.io/v1).
  ...sailResourceTypes,
];

/**
 * Groups in discovery order, each with its single served version (`autoscaling` serves only `v2`
 * here, where a real API server also serves `v1`, with `v2` preferred).
 */
export const apiGroups: Array<{ name: string; version: string }> = [
  { name: 'apps', version: 'v1' },
  { name: 'autoscaling', version: 'v2' },
  { name: 'admissionregistration.k8s.io', version: 'v1' },
  { name: 'discovery.k8s.io', version: 'v1' },
  { name: 'policy', version: 'v1' },
  { name: 'rbac.authorization.k8s.io', version: 'v1' },
  { name: 'gateway.networking.k8s.io', version: 'v1' },
  { name: sailGroup, version: sailVersion },
];

/** Verbs discovery advertises for a top-level resource. */
export const resourceVerbs = allVerbs;

/** The apiVersion string objects of a type carry ("v1", "apps/v1"). */
export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** Key used by the store and the statistics for a type ("pods", "deployments.apps"). */
export function typeKey(rt: ResourceType): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}

/** Finds the type served at a group/version/resource, if any. */
export function findResourceType(
  group: string,
  version: string,
  resource: string,
): ResourceType | undefined {
  return resourceTypes.find(
    t => t.group === group && t.version === version && t.resource === resource,
  );
}

/** Finds a type by its kind, for objects carried in scenarios. */
export function findResourceTypeByKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  return resourceTypes.find(
    t => apiVersionOf(t) === apiVersion && t.kind === kind,
  );
}

/** Looks up a type by its plural resource name only (names are unique here). */
export function resourceTypeNamed(resource: string): ResourceType {
  const found = resourceTypes.find(t => t.resource === resource);
  if (!found) {
    throw new Error(`unknown resource type ${resource}`);
  }
  return found;
}
