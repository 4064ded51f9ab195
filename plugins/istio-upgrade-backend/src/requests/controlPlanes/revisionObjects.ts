import { ClusterApi, KubeObject } from '../../kubernetes/ClusterApi';

/**
 * The kinds `istioctl uninstall --revision` prunes for a revision, in the order a removal deletes them:
 * webhooks first (nothing is injected or validated by a revision on its way out), then istiod and what
 * serves it, then its configuration and identity. A rollback creates them in the reverse order.
 */
export const REVISION_OBJECT_KINDS = [
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Deployment',
  'Service',
  'ConfigMap',
  'RoleBinding',
  'Role',
  'ClusterRoleBinding',
  'ClusterRole',
  'ServiceAccount',
] as const;

/** Kinds a Helm install of istiod labels with its release and not with the revision. */
const RELEASE_ONLY_KINDS = [
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
];

/** Kinds whose objects belong to istiod only when they also carry `app=istiod` (gateways share them). */
const ISTIOD_ONLY = new Set([
  'Deployment',
  'Service',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
]);

/** Kind/namespace/name of an object, as plans and events name it. */
export function objectName(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind}/${namespace ? `${namespace}/` : ''}${name}`;
}

/**
 * Every object labelled `istio.io/rev=<revision>` that belongs to the revision's control plane (and,
 * for a Helm install, the ServiceAccount and RBAC objects of its release, which the chart labels with
 * the release only), in deletion order: Deployment, Service, HPA and PDB of istiod (`app=istiod`), and every ConfigMap,
 * ServiceAccount, Role, RoleBinding, ClusterRole, ClusterRoleBinding and webhook configuration with the
 * label, except a revision tag's webhooks (labelled `istio.io/tag`), which belong to the tag.
 */
export async function readRevisionObjects(
  api: ClusterApi,
  revision: string,
  helmRelease?: string,
): Promise<KubeObject[]> {
  const selector = `istio.io/rev=${revision}`;
  const lists = await Promise.all(
    REVISION_OBJECT_KINDS.map(kind =>
      api.listObjects(kind, {
        labelSelector: ISTIOD_ONLY.has(kind)
          ? `${selector},app=istiod`
          : selector,
      }),
    ),
  );
  // Helm's istiod chart labels its ServiceAccount and RBAC objects with the release only.
  const ofRelease = helmRelease
    ? await Promise.all(
        RELEASE_ONLY_KINDS.map(async kind =>
          (
            await api.listObjects(kind, {
              labelSelector: `release=${helmRelease}`,
            })
          ).filter(
            o =>
              o.metadata.annotations?.['meta.helm.sh/release-name'] ===
              helmRelease,
          ),
        ),
      )
    : [];
  const unique = new Map<string, KubeObject>();
  for (const object of [...lists.flat(), ...ofRelease.flat()]) {
    unique.set(objectName(object), object);
  }
  return [...unique.values()]
    .filter(o => !o.metadata.labels?.['istio.io/tag'])
    .sort(
      (a, b) =>
        REVISION_OBJECT_KINDS.indexOf(a.kind as any) -
          REVISION_OBJECT_KINDS.indexOf(b.kind as any) ||
        objectName(a).localeCompare(objectName(b)),
    );
}

/**
 * A blue/green gateway's own objects, found by the Deployment's name: the Deployment and, when they
 * exist, its Service, HPA, PDB, ServiceAccount, Role and RoleBinding of the same name (what Istio's
 * gateway chart installs for a release).
 */
export async function readGatewayObjects(
  api: ClusterApi,
  namespace: string,
  name: string,
): Promise<KubeObject[]> {
  const kinds = [
    'HorizontalPodAutoscaler',
    'PodDisruptionBudget',
    'Deployment',
    'Service',
    'RoleBinding',
    'Role',
    'ServiceAccount',
  ];
  const found = await Promise.all(
    kinds.map(async kind => {
      const object = await api.readObject(kind, namespace, name);
      return object
        ? { ...object, kind, apiVersion: object.apiVersion }
        : undefined;
    }),
  );
  return found.filter((o): o is KubeObject => o !== undefined);
}

/**
 * The manifest a rollback re-creates an object from: what the API server set on it (uid,
 * resourceVersion, timestamps, managed fields, status, a Service's cluster IPs) left out.
 */
export function manifestOf(object: KubeObject): KubeObject {
  const {
    uid: _uid,
    resourceVersion: _rv,
    creationTimestamp: _created,
    managedFields: _managed,
    generation: _generation,
    selfLink: _self,
    deletionTimestamp: _deleting,
    deletionGracePeriodSeconds: _grace,
    ...metadata
  } = object.metadata as Record<string, any>;
  const { status: _status, ...rest } = object;
  const manifest: KubeObject = {
    ...rest,
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: metadata as KubeObject['metadata'],
  };
  if (object.kind === 'Service' && manifest.spec) {
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = manifest.spec;
    manifest.spec = spec;
  }
  return manifest;
}
