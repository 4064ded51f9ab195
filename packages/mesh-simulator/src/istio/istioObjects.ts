import { KubeObject } from '../store/kubeObject';
import {
  externalVersionAnnotation,
  injectorWebhookName,
  istiodName,
  istioSystem,
  tagWebhookName,
} from './controlPlanes';
import { parseIstioVersion } from './istioVersions';

const caBundle = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nmesh-simulator\n-----END CERTIFICATE-----\n',
).toString('base64');

function meta(
  name: string,
  namespace: string | undefined,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels,
    ...(annotations ? { annotations } : {}),
  } as unknown as KubeObject['metadata'];
}

/**
 * istiod's Deployment and Service for a revision, as the istio-discovery chart of `version` renders
 * them (`templates/deployment.yaml`, `service.yaml`; the same in istioctl's installs, which render
 * that chart): Deployment labels `istio: pilot`; pod labels `istio: istiod` for a revision and
 * `istio: pilot` for the revisionless control plane, whose Deployment and Service select
 * `istio: pilot` (a revision's select `app: istiod` and `istio.io/rev`); from 1.20 the pod opts out
 * of ambient (`ambient.istio.io/redirection: disabled`, from 1.22 the label
 * `istio.io/dataplane-mode: none`); from 1.24 `app.kubernetes.io/name: istiod` and the chart's
 * labels (`istio.labels`).
 */
export function istiodObjects(
  revision: string,
  version: string,
  replicas = 1,
  chartVersion = version,
): KubeObject[] {
  const name = istiodName(revision);
  const release = istiodRelease(revision);
  const revisionless = revision === 'default';
  const helmLabels = {
    ...(atLeast(version, 24) ? { 'app.kubernetes.io/name': 'istiod' } : {}),
    ...chartLabels(release, 'istiod', version, chartVersion),
  };
  const labels = {
    app: 'istiod',
    'istio.io/rev': revision,
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component': 'Pilot',
    istio: 'pilot',
    release,
    ...helmLabels,
  };
  const podLabels = {
    app: 'istiod',
    'istio.io/rev': revision,
    'install.operator.istio.io/owning-resource': 'unknown',
    'sidecar.istio.io/inject': 'false',
    'operator.istio.io/component': 'Pilot',
    istio: revisionless ? 'pilot' : 'istiod',
    ...(atLeast(version, 22) ? { 'istio.io/dataplane-mode': 'none' } : {}),
    ...helmLabels,
  };
  const selector = revisionless
    ? { istio: 'pilot' }
    : { app: 'istiod', 'istio.io/rev': revision };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, istioSystem, labels),
      spec: {
        replicas,
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' },
        },
        template: {
          metadata: {
            labels: podLabels,
            annotations: {
              'prometheus.io/port': '15014',
              'prometheus.io/scrape': 'true',
              ...(atLeast(version, 20) && !atLeast(version, 22)
                ? { 'ambient.istio.io/redirection': 'disabled' }
                : {}),
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            // `istiod-service-account` before 1.11, then `istiod[-<rev>]`.
            serviceAccountName: atLeast(version, 11)
              ? name
              : 'istiod-service-account',
            containers: [
              {
                name: 'discovery',
                image: `docker.io/istio/pilot:${version}`,
                args: [
                  'discovery',
                  '--monitoringAddr=:15014',
                  '--log_output_level=default:info',
                  '--domain',
                  'cluster.local',
                  '--keepaliveMaxServerConnectionAge',
                  '30m',
                ],
                ports: [
                  { containerPort: 8080, protocol: 'TCP' },
                  { containerPort: 15010, protocol: 'TCP' },
                  { containerPort: 15017, protocol: 'TCP' },
                ],
                readinessProbe: {
                  httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' },
                  initialDelaySeconds: 1,
                  periodSeconds: 3,
                  timeoutSeconds: 5,
                  successThreshold: 1,
                  failureThreshold: 3,
                },
                env: [
                  { name: 'REVISION', value: revision },
                  { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
                  {
                    name: 'POD_NAME',
                    valueFrom: {
                      fieldRef: {
                        apiVersion: 'v1',
                        fieldPath: 'metadata.name',
                      },
                    },
                  },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: {
                      fieldRef: {
                        apiVersion: 'v1',
                        fieldPath: 'metadata.namespace',
                      },
                    },
                  },
                  {
                    name: 'ISTIOD_ADDR',
                    value: `${name}.${istioSystem}.svc:15012`,
                  },
                  { name: 'CLUSTER_ID', value: 'Kubernetes' },
                ],
                resources: { requests: { cpu: '500m', memory: '2Gi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, istioSystem, {
        'istio.io/rev': revision,
        'install.operator.istio.io/owning-resource': 'unknown',
        'operator.istio.io/component': 'Pilot',
        app: 'istiod',
        istio: 'pilot',
        release,
        ...helmLabels,
      }),
      spec: {
        selector: revisionless
          ? { app: 'istiod', istio: 'pilot' }
          : { app: 'istiod', 'istio.io/rev': revision },
        ports: [
          { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
          { name: 'https-dns', port: 15012, protocol: 'TCP' },
          {
            name: 'https-webhook',
            port: 443,
            targetPort: 15017,
            protocol: 'TCP',
          },
          { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
        ],
      },
    },
  ];
}

/** The AdmissionReview versions Istio's injection webhooks accept: `v1` alone from 1.23. */
function injectionReviewVersions(version: string): string[] {
  return atLeast(version, 23) ? ['v1'] : ['v1beta1', 'v1'];
}

function webhook(
  name: string,
  revision: string,
  version: string,
  namespaceSelector: object,
  objectSelector: object,
) {
  return {
    name,
    admissionReviewVersions: injectionReviewVersions(version),
    clientConfig: {
      service: {
        name: istiodName(revision),
        namespace: istioSystem,
        path: '/inject',
        port: 443,
      },
      caBundle,
    },
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    namespaceSelector,
    objectSelector,
    reinvocationPolicy: 'Never',
    rules: [
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        operations: ['CREATE'],
        resources: ['pods'],
        scope: '*',
      },
    ],
    sideEffects: 'None',
    timeoutSeconds: 10,
  };
}

function revisionWebhooks(
  selectorValue: string,
  revision: string,
  version: string,
  withDefault: boolean,
) {
  const hooks = [
    webhook(
      'rev.namespace.sidecar-injector.istio.io',
      revision,
      version,
      {
        matchExpressions: [
          { key: 'istio.io/rev', operator: 'In', values: [selectorValue] },
          { key: 'istio-injection', operator: 'DoesNotExist' },
        ],
      },
      {
        matchExpressions: [
          {
            key: 'sidecar.istio.io/inject',
            operator: 'NotIn',
            values: ['false'],
          },
        ],
      },
    ),
    webhook(
      'rev.object.sidecar-injector.istio.io',
      revision,
      version,
      {
        matchExpressions: [
          { key: 'istio.io/rev', operator: 'DoesNotExist' },
          { key: 'istio-injection', operator: 'DoesNotExist' },
        ],
      },
      {
        matchExpressions: [
          {
            key: 'sidecar.istio.io/inject',
            operator: 'NotIn',
            values: ['false'],
          },
          { key: 'istio.io/rev', operator: 'In', values: [selectorValue] },
        ],
      },
    ),
  ];
  if (withDefault) {
    hooks.push(
      webhook(
        'namespace.sidecar-injector.istio.io',
        revision,
        version,
        {
          matchExpressions: [
            { key: 'istio-injection', operator: 'In', values: ['enabled'] },
          ],
        },
        {
          matchExpressions: [
            {
              key: 'sidecar.istio.io/inject',
              operator: 'NotIn',
              values: ['false'],
            },
          ],
        },
      ),
      webhook(
        'object.sidecar-injector.istio.io',
        revision,
        version,
        {
          matchExpressions: [
            { key: 'istio-injection', operator: 'DoesNotExist' },
            { key: 'istio.io/rev', operator: 'DoesNotExist' },
          ],
        },
        {
          matchExpressions: [
            {
              key: 'sidecar.istio.io/inject',
              operator: 'In',
              values: ['true'],
            },
            { key: 'istio.io/rev', operator: 'DoesNotExist' },
          ],
        },
      ),
    );
  }
  return hooks;
}

/** The labels of a revision's injector MutatingWebhookConfiguration (`mutatingwebhook.yaml`). */
function injectorLabels(
  revision: string,
  version: string,
  chartVersion: string,
): Record<string, string> {
  const release = istiodRelease(revision);
  return {
    'istio.io/rev': revision,
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component': 'Pilot',
    app: 'sidecar-injector',
    release,
    ...(atLeast(version, 24) ? { 'app.kubernetes.io/name': 'istiod' } : {}),
    ...chartLabels(release, 'istiod', version, chartVersion),
  };
}

/**
 * The injector MutatingWebhookConfiguration of a revision, as the istio-discovery chart of
 * `version` renders it (`admissionReviewVersions: ["v1"]` from 1.23, `["v1beta1", "v1"]` before).
 */
export function injectorWebhook(
  revision: string,
  version: string,
  chartVersion = version,
): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta(
      injectorWebhookName(revision),
      undefined,
      injectorLabels(revision, version, chartVersion),
    ),
    webhooks: revisionWebhooks(
      revision,
      revision,
      version,
      revision === 'default',
    ),
  };
}

/**
 * The labels `istioctl tag set` (`istioctl/pkg/tag/generate.go`) gives what it renders for a tag:
 * the rendered labels, then the revision injector's labels but `app`, then from 1.21
 * (`UserManaged`) none of the operator's.
 */
function tagLabels(
  rendered: Record<string, string>,
  revision: string,
  version: string,
  chartVersion: string,
): Record<string, string> {
  const { app: _app, ...fromInjector } = injectorLabels(
    revision,
    version,
    chartVersion,
  );
  const labels: Record<string, string> = { ...rendered, ...fromInjector };
  if (atLeast(version, 21)) {
    for (const key of Object.keys(labels)) {
      if (key.includes('operator.istio.io')) delete labels[key];
    }
  }
  return labels;
}

/**
 * A revision tag's MutatingWebhookConfiguration, as `istioctl tag set` (of the revision's release)
 * writes it: the chart's `revision-tags` template rendered for the revision, with the labels of the
 * revision's injector merged in, less the operator's labels from 1.24 (`UserManaged`).
 */
export function tagWebhook(
  tag: string,
  revision: string,
  version: string,
  chartVersion = version,
): KubeObject {
  const labels = tagLabels(
    {
      ...injectorLabels(revision, version, chartVersion),
      'istio.io/tag': tag,
    },
    revision,
    version,
    chartVersion,
  );
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta(tagWebhookName(tag), undefined, labels),
    webhooks: revisionWebhooks(tag, revision, version, tag === 'default'),
  };
}

/** The ports an Istio ingress gateway listens on (container side). */
export const gatewayContainerPorts = [
  { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
  { containerPort: 8080, name: 'http2', protocol: 'TCP' },
  { containerPort: 8443, name: 'https', protocol: 'TCP' },
  { containerPort: 31400, name: 'tcp', protocol: 'TCP' },
  { containerPort: 15443, name: 'tls', protocol: 'TCP' },
  { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
];

/** The Service ports of an ingress gateway (service port → container port). */
export const gatewayServicePorts = [
  { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
  { name: 'tcp', port: 31400, targetPort: 31400, protocol: 'TCP' },
  { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' },
];

/**
 * A blue/green ingress gateway for a revision: Deployment `<name>-<revision>` injected with the
 * gateway template by its revision, and its own ClusterIP Service.
 */
export function gatewayObjects(
  name: string,
  namespace: string,
  revision: string,
  replicas: number,
): KubeObject[] {
  const deploymentName = `${name}-${revision}`;
  const labels = {
    app: name,
    istio: 'ingressgateway',
    version: revision,
    'istio.io/rev': revision,
  };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(deploymentName, namespace, labels),
      spec: {
        replicas,
        selector: {
          matchLabels: {
            app: name,
            istio: 'ingressgateway',
            version: revision,
          },
        },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' },
        },
        template: {
          metadata: {
            labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
            annotations: {
              'inject.istio.io/templates': 'gateway',
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
            },
          },
          spec: {
            serviceAccountName: `${name}-service-account`,
            containers: [
              {
                name: 'istio-proxy',
                image: 'auto',
                ports: gatewayContainerPorts,
                resources: {
                  limits: { cpu: '2', memory: '1Gi' },
                  requests: { cpu: '100m', memory: '128Mi' },
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(deploymentName, namespace, labels),
      spec: {
        type: 'ClusterIP',
        selector: { app: name, istio: 'ingressgateway', version: revision },
        ports: gatewayServicePorts,
      },
    },
  ];
}

/** The Service ports of Istio's `gateway` Helm chart (`values.yaml`, the same from 1.12 on). */
export const helmGatewayServicePorts = [
  { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
  { name: 'http2', port: 80, protocol: 'TCP', targetPort: 80 },
  { name: 'https', port: 443, protocol: 'TCP', targetPort: 443 },
];

/**
 * A blue/green ingress gateway for a revision as Istio's `gateway` Helm chart of `version` renders
 * it (`manifests/charts/gateway`, 1.12 and later), installed as the real-cluster tier does:
 * release and `name` `<name>-<revision>`, `revision`, `labels.istio=ingressgateway`,
 * `labels.version=<revision>`, `service.type=ClusterIP`, `replicaCount`, no autoscaling.
 *
 * - Selector labels `app: <release>`, `istio: ingressgateway`; the pod template adds
 *   `sidecar.istio.io/inject: "true"`, `istio.io/rev`, from 1.18 the values' labels (`version`,
 *   and from 1.25 the default `istio.io/dataplane-mode: none`), from 1.23
 *   `app.kubernetes.io/name` and `app.kubernetes.io/version` (the chart's appVersion), from 1.24
 *   the chart's labels (`istio.labels`). Deployment and Service carry `helm.sh/chart`,
 *   `app.kubernetes.io/*`, the selector labels and the values' labels.
 * - Pod annotations (`podAnnotations`): Prometheus, `inject.istio.io/templates: gateway`,
 *   `sidecar.istio.io/inject: "true"`. The pod's `istio-proxy` (image `auto`) declares only
 *   15090; its ServiceAccount is the release's.
 * - The Service: ports 15021, 80 and 443 to the same target ports (the proxy binds 80 and 443
 *   itself, `net.ipv4.ip_unprivileged_port_start=0`), selecting the selector labels.
 */
export function helmGatewayObjects(
  name: string,
  namespace: string,
  revision: string,
  version: string,
  replicas: number,
  chartVersion = version,
): KubeObject[] {
  if (!atLeast(version, 12)) {
    throw new Error(
      `Istio's gateway Helm chart exists from Istio 1.12; revision ${revision} is ${version}`,
    );
  }
  const release = `${name}-${revision}`;
  const selector = { app: release, istio: 'ingressgateway' };
  const valueLabels: Record<string, string> = {
    ...(atLeast(version, 25) ? { 'istio.io/dataplane-mode': 'none' } : {}),
    version: revision,
  };
  const istioLabels: Record<string, string> = atLeast(version, 24)
    ? {
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/instance': release,
        'app.kubernetes.io/part-of': 'istio',
        'app.kubernetes.io/version': chartVersion,
        'helm.sh/chart': `gateway-${chartVersion}`,
      }
    : {
        'helm.sh/chart': `gateway-${chartVersion}`,
        'app.kubernetes.io/version': chartVersion,
        'app.kubernetes.io/managed-by': 'Helm',
      };
  const labels = {
    'app.kubernetes.io/name': release,
    ...istioLabels,
    ...selector,
    ...valueLabels,
  };
  const podLabels = {
    'sidecar.istio.io/inject': 'true',
    'istio.io/rev': revision,
    ...selector,
    ...(atLeast(version, 23)
      ? {
          'app.kubernetes.io/name': release,
          ...(atLeast(version, 24)
            ? istioLabels
            : { 'app.kubernetes.io/version': chartVersion }),
        }
      : {}),
    ...(atLeast(version, 18) ? valueLabels : {}),
  };
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(release, namespace, labels),
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(release, namespace, labels),
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            annotations: {
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'prometheus.io/path': '/stats/prometheus',
              'inject.istio.io/templates': 'gateway',
              'sidecar.istio.io/inject': 'true',
            },
            labels: podLabels,
          },
          spec: {
            serviceAccountName: release,
            securityContext: {
              sysctls: [
                { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
              ],
            },
            containers: [
              {
                name: 'istio-proxy',
                image: 'auto',
                securityContext: {
                  capabilities: { drop: ['ALL'] },
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsUser: 1337,
                  runAsGroup: 1337,
                  runAsNonRoot: true,
                },
                ports: [
                  {
                    containerPort: 15090,
                    protocol: 'TCP',
                    name: 'http-envoy-prom',
                  },
                ],
                // The chart's 2000m and 1024Mi, as the API server stores them.
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { cpu: '2', memory: '1Gi' },
                },
              },
            ],
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(release, namespace, labels),
      spec: {
        type: 'ClusterIP',
        ports: helmGatewayServicePorts,
        selector,
      },
    },
  ];
  return objects.map(o => installedByHelm(o, release, namespace));
}

/**
 * The platform team's LoadBalancer Service selecting exactly one gateway colour by revision, on
 * the ports of the gateways' own Services.
 */
export function gatewayLoadBalancer(
  name: string,
  namespace: string,
  revision: string,
  ports: Array<Record<string, unknown>> = gatewayServicePorts,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, namespace, { app: name, istio: 'ingressgateway' }),
    spec: {
      type: 'LoadBalancer',
      selector: { istio: 'ingressgateway', version: revision },
      ports,
    },
  };
}

/** Whether an Istio version is at least `1.<minor>`. */
function atLeast(version: string, minor: number): boolean {
  const v = parseIstioVersion(version);
  return (
    v !== undefined && (v.major > 1 || (v.major === 1 && v.minor >= minor))
  );
}

/**
 * The labels Istio's charts add to every object since 1.24 (`istio.labels`): Helm's release, the
 * chart and its version (`chartVersion`: the Istio release for released charts, `1.0.0` for charts
 * taken from Istio's source tree, which only the release builder stamps).
 */
function chartLabels(
  release: string,
  chart: string,
  version: string,
  chartVersion = version,
): Record<string, string> {
  if (!atLeast(version, 24)) return {};
  return {
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': chartVersion,
    'helm.sh/chart': `${chart}-${chartVersion}`,
  };
}

/**
 * An object as Helm leaves it when it installs it in release `release` of `namespace`: annotated
 * `meta.helm.sh/release-name` and `meta.helm.sh/release-namespace`.
 */
export function installedByHelm(
  object: KubeObject,
  release: string,
  namespace: string,
): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...(object.metadata.annotations ?? {}),
        'meta.helm.sh/release-name': release,
        'meta.helm.sh/release-namespace': namespace,
      },
    },
  };
}

/** The Helm release of a revision's istiod chart, as Istio's Helm install documents name it. */
export function istiodRelease(revision: string): string {
  return revision === 'default' ? 'istiod' : `istiod-${revision}`;
}

/**
 * The revision's ConfigMaps, as the istio-discovery chart installs them: `istio[-<rev>]` (the mesh
 * configuration) and `istio-sidecar-injector[-<rev>]` (the injection templates and values; their
 * templates are left out here).
 */
export function istioConfigMaps(
  revision: string,
  version: string,
  chartVersion = version,
): KubeObject[] {
  const suffix = revision === 'default' ? '' : `-${revision}`;
  const labels = {
    'istio.io/rev': revision,
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component': 'Pilot',
    release: istiodRelease(revision),
    ...(atLeast(version, 24) ? { 'app.kubernetes.io/name': 'istiod' } : {}),
    ...chartLabels(istiodRelease(revision), 'istiod', version, chartVersion),
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`istio${suffix}`, istioSystem, labels),
      data: {
        meshNetworks: 'networks: {}',
        mesh: [
          'defaultConfig:',
          `  discoveryAddress: ${istiodName(
            revision,
          )}.${istioSystem}.svc:15012`,
          'defaultProviders:',
          '  metrics:',
          '  - prometheus',
          'enablePrometheusMerge: true',
          `rootNamespace: ${istioSystem}`,
          'trustDomain: cluster.local',
        ].join('\n'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`istio-sidecar-injector${suffix}`, istioSystem, labels),
      data: {
        values: JSON.stringify(
          {
            global: {
              hub: 'docker.io/istio',
              istioNamespace: istioSystem,
              tag: version,
            },
            revision: revision === 'default' ? '' : revision,
            sidecarInjectorWebhook: {
              defaultTemplates: [],
              enableNamespacesByDefault: false,
              reinvocationPolicy: 'Never',
              rewriteAppHTTPProbe: true,
            },
          },
          null,
          2,
        ),
        config: [
          'defaultTemplates: [sidecar]',
          'policy: enabled',
          'alwaysInjectSelector:',
          '  []',
          'neverInjectSelector:',
          '  []',
          'injectedAnnotations:',
        ].join('\n'),
      },
    },
  ];
}

/** The API groups Istio's validation webhooks cover, per release. */
function validatedGroups(version: string): string[] {
  const groups = ['security.istio.io', 'networking.istio.io'];
  if (atLeast(version, 12))
    groups.push('telemetry.istio.io', 'extensions.istio.io');
  if (atLeast(version, 17) && !atLeast(version, 21)) {
    groups.push('gateway.networking.k8s.io');
  }
  return groups;
}

function validationWebhook(
  name: string,
  version: string,
  service: string,
  objectSelector: object | undefined,
  patchedByIstiod: boolean,
) {
  return {
    name,
    clientConfig: {
      service: {
        name: service,
        namespace: istioSystem,
        path: '/validate',
        port: 443,
      },
      // istiod's webhook controller patches in its CA bundle and, once it serves, fails closed.
      ...(patchedByIstiod || !atLeast(version, 11) ? { caBundle } : {}),
    },
    rules: [
      {
        operations: ['CREATE', 'UPDATE'],
        apiGroups: validatedGroups(version),
        apiVersions: ['*'],
        resources: ['*'],
        scope: '*',
      },
    ],
    failurePolicy: patchedByIstiod ? 'Fail' : 'Ignore',
    sideEffects: 'None',
    admissionReviewVersions: atLeast(version, 23) ? ['v1'] : ['v1beta1', 'v1'],
    ...(objectSelector ? { objectSelector } : {}),
  };
}

/**
 * The revision's ValidatingWebhookConfiguration, as the istio-discovery chart renders it since 1.11:
 * `istio-validator[-<rev>]-istio-system`, webhook `rev.validation.istio.io` for the objects labelled
 * with the revision, calling the revision's istiod (which patches it to fail closed once it serves).
 * Undefined before 1.11, when the base chart's single `istiod-istio-system` validated for every
 * revision ({@link legacyValidator}).
 */
export function revisionValidator(
  revision: string,
  version: string,
  chartVersion = version,
): KubeObject | undefined {
  if (!atLeast(version, 11)) return undefined;
  const suffix = revision === 'default' ? '' : `-${revision}`;
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: meta(`istio-validator${suffix}-${istioSystem}`, undefined, {
      app: 'istiod',
      release: istiodRelease(revision),
      istio: 'istiod',
      'istio.io/rev': revision,
      ...(atLeast(version, 24) ? { 'app.kubernetes.io/name': 'istiod' } : {}),
      ...chartLabels(istiodRelease(revision), 'istiod', version, chartVersion),
    }),
    webhooks: [
      validationWebhook(
        'rev.validation.istio.io',
        version,
        istiodName(revision),
        {
          matchExpressions: [
            { key: 'istio.io/rev', operator: 'In', values: [revision] },
          ],
        },
        true,
      ),
    ],
  };
}

/**
 * The base chart's validating webhook of Istio before 1.11, `istiod-istio-system`, one per cluster:
 * webhook `validation.istio.io` calling the Service `istiod` (absent in a cluster with only
 * revisioned control planes, so it stays failing open).
 */
export function legacyValidator(
  version: string,
  revisionless: boolean,
): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: meta(`istiod-${istioSystem}`, undefined, {
      app: 'istiod',
      release: 'istio-base',
      istio: 'istiod',
    }),
    webhooks: [
      validationWebhook(
        'validation.istio.io',
        version,
        'istiod',
        undefined,
        revisionless,
      ),
    ],
  };
}

/**
 * `istiod-default-validator`: the validating webhook for objects without an `istio.io/rev` label.
 * `istioctl tag set default` (1.12 and later) renders it from the `default` chart, pointing at the
 * tag's revision, with the labels of that revision's injector (but `app`); a revisionless install
 * gets it from the base chart (`defaultRevision: default`).
 */
export function defaultValidator(
  revision: string,
  version: string,
  viaTag: boolean,
  chartVersion = version,
): KubeObject | undefined {
  if (!atLeast(version, viaTag ? 12 : 11)) return undefined;
  const labels: Record<string, string> = viaTag
    ? tagLabels(
        {
          app: 'istiod',
          istio: 'istiod',
          'istio.io/rev': revision,
          'istio.io/tag': 'default',
          'operator.istio.io/component': 'Pilot',
          ...(atLeast(version, 24)
            ? { 'app.kubernetes.io/name': 'istiod' }
            : {}),
          ...chartLabels('istio', 'istio-default', version, chartVersion),
        },
        revision,
        version,
        chartVersion,
      )
    : {
        app: 'istiod',
        release: 'istio-base',
        istio: 'istiod',
        'istio.io/rev': 'default',
        ...(atLeast(version, 24) ? { 'app.kubernetes.io/name': 'istiod' } : {}),
        ...chartLabels('istio-base', 'base', version, chartVersion),
      };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: meta('istiod-default-validator', undefined, labels),
    webhooks: [
      validationWebhook(
        'validation.istio.io',
        version,
        istiodName(revision),
        viaTag
          ? {
              matchExpressions: [
                { key: 'istio.io/rev', operator: 'DoesNotExist' },
              ],
            }
          : undefined,
        true,
      ),
    ],
  };
}

/** The ports of Istio's egress gateway (Service port → container port), from the istio-egress chart. */
export const egressServicePorts = [
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
];

/**
 * Istio's egress gateway as the istio-egress chart installs it with the gateway injection template:
 * Deployment `istio-egressgateway` (labels `app: istio-egressgateway`, `istio: egressgateway`) whose
 * pod (`istio-proxy` with image `auto`) is injected by `revision` ("default" for the revisionless
 * control plane: no `istio.io/rev` pod label, `sidecar.istio.io/inject: "true"`), and its ClusterIP
 * Service.
 */
export function egressGatewayObjects(
  name: string,
  namespace: string,
  revision: string,
  version: string,
  replicas: number,
  chartVersion = version,
): KubeObject[] {
  const selector = { app: 'istio-egressgateway', istio: 'egressgateway' };
  const release = name;
  const labels = {
    ...selector,
    release,
    'istio.io/rev': revision,
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component': 'EgressGateways',
    ...(atLeast(version, 24)
      ? { 'app.kubernetes.io/name': 'istio-egressgateway' }
      : {}),
    ...chartLabels(release, 'istio-egress', version, chartVersion),
  };
  const podLabels = {
    ...selector,
    ...(namespace === istioSystem
      ? { heritage: 'Tiller', release: 'istio', chart: 'gateways' }
      : {}),
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component': 'EgressGateways',
    'sidecar.istio.io/inject': 'true',
    ...(revision === 'default' ? {} : { 'istio.io/rev': revision }),
    'service.istio.io/canonical-name': name,
    'service.istio.io/canonical-revision':
      revision === 'default' ? 'latest' : revision,
    ...(atLeast(version, 24)
      ? { 'app.kubernetes.io/name': 'istio-egressgateway' }
      : {}),
    ...chartLabels(release, 'istio-egress', version, chartVersion),
  };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, namespace, labels),
      spec: {
        replicas,
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' },
        },
        template: {
          metadata: {
            labels: podLabels,
            annotations: {
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/inject': 'true',
              'inject.istio.io/templates': 'gateway',
            },
          },
          spec: {
            securityContext: {
              runAsUser: 1337,
              runAsGroup: 1337,
              runAsNonRoot: true,
            },
            serviceAccountName: `${name}-service-account`,
            containers: [
              {
                name: 'istio-proxy',
                image: 'auto',
                ports: [
                  ...egressServicePorts.map(p => ({
                    containerPort: p.targetPort,
                    protocol: 'TCP',
                  })),
                  {
                    containerPort: 15090,
                    protocol: 'TCP',
                    name: 'http-envoy-prom',
                  },
                ],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  privileged: false,
                  readOnlyRootFilesystem: true,
                },
                resources: {
                  limits: { cpu: '2', memory: '1Gi' },
                  requests: { cpu: '100m', memory: '128Mi' },
                },
                env: [{ name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' }],
                volumeMounts: [
                  {
                    name: 'egressgateway-certs',
                    mountPath: '/etc/istio/egressgateway-certs',
                    readOnly: true,
                  },
                  {
                    name: 'egressgateway-ca-certs',
                    mountPath: '/etc/istio/egressgateway-ca-certs',
                    readOnly: true,
                  },
                ],
              },
            ],
            volumes: [
              {
                name: 'egressgateway-certs',
                secret: {
                  secretName: 'istio-egressgateway-certs',
                  optional: true,
                },
              },
              {
                name: 'egressgateway-ca-certs',
                secret: {
                  secretName: 'istio-egressgateway-ca-certs',
                  optional: true,
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, namespace, labels),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: egressServicePorts,
      },
    },
  ];
}

/**
 * The validating webhook configurations of a cluster's control planes: one per revision from 1.11
 * on, the base chart's `istiod-istio-system` when a revision predates 1.11, and
 * `istiod-default-validator` for the `default` tag (or the revisionless control plane).
 */
export function controlPlaneValidators(
  revisions: Array<{ name: string; version: string }>,
  defaultTag: string | undefined,
  chartVersion?: string,
): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const r of revisions) {
    const validator = revisionValidator(r.name, r.version, chartVersion);
    if (validator) objects.push(validator);
  }
  const legacy = revisions.find(r => !atLeast(r.version, 11));
  if (legacy) {
    objects.push(
      legacyValidator(
        legacy.version,
        revisions.some(r => r.name === 'default'),
      ),
    );
  }
  const target =
    defaultTag ??
    (revisions.some(r => r.name === 'default') ? 'default' : undefined);
  const version = revisions.find(r => r.name === target)?.version;
  if (target && version) {
    const validator = defaultValidator(
      target,
      version,
      defaultTag !== undefined,
      chartVersion,
    );
    if (validator) objects.push(validator);
  }
  return objects;
}

/**
 * The Service `istiod-revision-tag-<tag>` that `istioctl tag set` writes since Istio 1.28 (the
 * istio-discovery chart's `revision-tags-svc.yaml`), through which proxies reach the tag's istiod:
 * istiod's ports, selecting the revision's istiod pods. Undefined for older releases.
 */
export function tagService(
  tag: string,
  revision: string,
  version: string,
  chartVersion = version,
): KubeObject | undefined {
  if (!atLeast(version, 28)) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    // The chart's labels, less the operator's, which `istioctl tag set` drops (`UserManaged`).
    metadata: meta(`istiod-revision-tag-${tag}`, istioSystem, {
      'istio.io/rev': revision,
      'istio.io/tag': tag,
      app: 'istiod',
      istio: 'pilot',
      release: 'istio',
      'app.kubernetes.io/name': 'istiod',
      ...chartLabels('istio', 'istiod', version, chartVersion),
    }),
    spec: {
      ports: [
        { port: 15010, name: 'grpc-xds', protocol: 'TCP' },
        { port: 15012, name: 'https-dns', protocol: 'TCP' },
        {
          port: 443,
          name: 'https-webhook',
          targetPort: 15017,
          protocol: 'TCP',
        },
        { port: 15014, name: 'http-monitoring', protocol: 'TCP' },
      ],
      selector:
        revision === 'default'
          ? { app: 'istiod', istio: 'pilot' }
          : { app: 'istiod', 'istio.io/rev': revision },
    },
  };
}

/**
 * A webhook configuration as a control plane outside the cluster leaves it (Istio's `remote`
 * profile, `istiodRemote.injectionURL`, `base.validationURL`): each webhook calls `url` (the
 * injection URL; a validator the same host at its own path) instead of an istiod Service, and the
 * configuration carries the simulator's note of the Istio version that istiod runs.
 */
export function servedFromOutside(
  object: KubeObject,
  url: string,
  version: string,
): KubeObject {
  const webhooks: any[] | undefined = (object as any).webhooks;
  if (!webhooks) return object;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...(object.metadata.annotations ?? {}),
        [externalVersionAnnotation]: version,
      },
    },
    webhooks: webhooks.map(hook => {
      const { service, ...clientConfig } = hook.clientConfig ?? {};
      const path: string = service?.path ?? '/inject';
      return {
        ...hook,
        clientConfig: {
          ...clientConfig,
          url: path === '/inject' ? url : new URL(path, url).href,
        },
      };
    }),
  } as KubeObject;
}
