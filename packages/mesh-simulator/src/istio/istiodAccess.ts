import { KubeObject } from '../store/kubeObject';
import { atLeast, chartLabels, istiodRelease, meta } from './chartMetadata';
import { istiodName, istioSystem } from './controlPlanes';

/**
 * What else the istio-discovery chart renders for a revision, beside istiod's Deployment, Service,
 * ConfigMaps and webhooks: its identity and permissions (`serviceaccount.yaml`, `role.yaml`,
 * `rolebinding.yaml`, `clusterrole.yaml`, `clusterrolebinding.yaml`, `reader-clusterrole.yaml`,
 * `reader-clusterrolebinding.yaml`, since 1.11, when they moved from the base chart into it), its
 * autoscaler (`autoscale.yaml`, `autoscaleEnabled` being the default) and its disruption budget
 * (`poddisruptionbudget.yaml`).
 *
 * Names carry `-<rev>` but for the revisionless control plane; cluster-scoped names end with the
 * release's namespace. Only the autoscaler and the disruption budget carry `istio.io/rev` in the
 * chart; the others have `app`, `release` and (from 1.24) `app.kubernetes.io/name` and the chart's
 * labels. istioctl labels every object it applies with the revision and the component, which
 * `istioctl uninstall --revision` selects on; `byIstioctl` adds those two labels.
 */

/** Options of {@link istiodAccessObjects}. */
export interface IstiodAccessOptions {
  /** istiod's replicas, which the autoscaler's minimum follows (`autoscaleMin`). */
  replicas?: number;
  /** The chart version stamped in the chart's labels (see `chartLabels`). */
  chartVersion?: string;
  /** The release's namespace (`istio-system`; a Sail control plane's `spec.namespace`). */
  namespace?: string;
  /** Whether istioctl applied the objects (adding `istio.io/rev` and the component label). */
  byIstioctl?: boolean;
}

/** The suffix of a revision's names: `-<rev>`, nothing for the revisionless control plane. */
function revisionSuffix(revision: string): string {
  return revision === 'default' ? '' : `-${revision}`;
}

/** The ServiceAccount istiod runs as from 1.11: `istiod[-<rev>]`. */
export function istiodServiceAccountName(revision: string): string {
  return istiodName(revision);
}

/** Rules abbreviated from the chart's (a few of each role's, enough to read what it grants). */
const istiodClusterRules = [
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations'],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations'],
    verbs: ['get', 'list', 'watch', 'update'],
  },
  {
    apiGroups: [
      'config.istio.io',
      'security.istio.io',
      'networking.istio.io',
      'authentication.istio.io',
      'rbac.istio.io',
      'telemetry.istio.io',
      'extensions.istio.io',
    ],
    resources: ['*'],
    verbs: ['get', 'watch', 'list'],
  },
  {
    apiGroups: [''],
    resources: ['pods', 'nodes', 'services', 'namespaces', 'endpoints'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['discovery.k8s.io'],
    resources: ['endpointslices'],
    verbs: ['get', 'list', 'watch'],
  },
];

const gatewayControllerRules = [
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'],
  },
  {
    apiGroups: [''],
    resources: ['services', 'serviceaccounts'],
    verbs: ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'],
  },
];

const readerRules = [
  {
    apiGroups: [
      'config.istio.io',
      'security.istio.io',
      'networking.istio.io',
      'authentication.istio.io',
      'rbac.istio.io',
      'telemetry.istio.io',
      'extensions.istio.io',
    ],
    resources: ['*'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: [''],
    resources: [
      'endpoints',
      'pods',
      'services',
      'nodes',
      'replicationcontrollers',
      'namespaces',
      'secrets',
    ],
    verbs: ['get', 'list', 'watch'],
  },
];

const roleRules = [
  {
    apiGroups: ['networking.istio.io'],
    resources: ['gateways'],
    verbs: ['create'],
  },
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['create', 'get', 'watch', 'list', 'update', 'delete'],
  },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['delete'] },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'update', 'patch', 'create'],
  },
];

const rbac = 'rbac.authorization.k8s.io';

/**
 * The revision's ServiceAccount, Role, RoleBinding, ClusterRoles and ClusterRoleBindings (from
 * 1.11; the gateway controller's pair from 1.12), HorizontalPodAutoscaler and
 * PodDisruptionBudget, as the istio-discovery chart of `version` renders them with its defaults.
 *
 * The autoscaler (served as `autoscaling/v2`, as a cluster converts what older charts wrote as
 * `v2beta1`) scales istiod between `replicas` (at least 1) and 5 on 80% CPU. The disruption
 * budget (`minAvailable: 1`) is rendered always before 1.28 and from 1.28 only when the
 * autoscaler's minimum is above 1, as the chart's condition has it.
 */
export function istiodAccessObjects(
  revision: string,
  version: string,
  options: IstiodAccessOptions = {},
): KubeObject[] {
  const namespace = options.namespace ?? istioSystem;
  const replicas = Math.max(1, options.replicas ?? 1);
  const release = istiodRelease(revision);
  const suffix = revisionSuffix(revision);
  const chart = chartLabels(release, 'istiod', version, options.chartVersion);
  const since24 = atLeast(version, 24);
  const istioctl: Record<string, string> = options.byIstioctl
    ? { 'istio.io/rev': revision, 'operator.istio.io/component': 'Pilot' }
    : {};
  const labelsOf = (app: 'istiod' | 'istio-reader') => ({
    app,
    release,
    ...(since24 ? { 'app.kubernetes.io/name': app } : {}),
    ...chart,
    ...istioctl,
  });
  const istiod = labelsOf('istiod');
  const serviceAccount = istiodServiceAccountName(revision);
  const subject = { kind: 'ServiceAccount', name: serviceAccount, namespace };
  const objects: KubeObject[] = [];
  if (atLeast(version, 11)) {
    const clusterRole = `istiod-clusterrole${suffix}-${namespace}`;
    const gatewayController = `istiod-gateway-controller${suffix}-${namespace}`;
    const reader = `istio-reader-clusterrole${suffix}-${namespace}`;
    /** A role and its binding of the same name, as each of the chart's RBAC templates renders them. */
    const bound = (
      kind: 'ClusterRole' | 'Role',
      name: string,
      labels: Record<string, string>,
      rules: unknown,
      subjects: object[],
    ): KubeObject[] => {
      const where = kind === 'Role' ? namespace : undefined;
      return [
        {
          apiVersion: `${rbac}/v1`,
          kind,
          metadata: meta(name, where, labels),
          rules,
        },
        {
          apiVersion: `${rbac}/v1`,
          kind: `${kind}Binding`,
          metadata: meta(name, where, labels),
          roleRef: { apiGroup: rbac, kind, name },
          subjects,
        },
      ];
    };
    objects.push(
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: meta(serviceAccount, namespace, istiod),
      },
      ...bound('ClusterRole', clusterRole, istiod, istiodClusterRules, [
        subject,
      ]),
      ...(atLeast(version, 12)
        ? bound(
            'ClusterRole',
            gatewayController,
            istiod,
            gatewayControllerRules,
            [subject],
          )
        : []),
      ...bound('ClusterRole', reader, labelsOf('istio-reader'), readerRules, [
        {
          kind: 'ServiceAccount',
          name: 'istio-reader-service-account',
          namespace,
        },
      ]),
      ...bound('Role', serviceAccount, istiod, roleRules, [subject]),
    );
  }
  const pilot = {
    'istio.io/rev': revision,
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component': 'Pilot',
  };
  const name = istiodName(revision);
  objects.push({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(name, namespace, {
      app: 'istiod',
      release,
      ...pilot,
      ...(since24 ? { 'app.kubernetes.io/name': 'istiod' } : {}),
      ...chart,
    }),
    spec: {
      maxReplicas: Math.max(5, replicas),
      minReplicas: replicas,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 80 },
          },
        },
      ],
    },
  });
  if (!atLeast(version, 28) || replicas > 1) {
    objects.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(name, namespace, {
        app: 'istiod',
        ...pilot,
        release,
        istio: 'pilot',
        ...(since24 ? { 'app.kubernetes.io/name': 'istiod' } : {}),
        ...chart,
      }),
      spec: {
        minAvailable: 1,
        selector: {
          matchLabels:
            revision === 'default'
              ? { app: 'istiod', istio: 'pilot' }
              : { app: 'istiod', 'istio.io/rev': revision },
        },
      },
    });
  }
  return objects;
}
