import { KubeObject } from '../store/kubeObject';
import {
  injectorWebhookName,
  istiodName,
  istioSystem,
  tagWebhookName,
} from './controlPlanes';

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

/** istiod's Deployment and Service for a revision, as Istio's Helm chart installs them. */
export function istiodObjects(
  revision: string,
  version: string,
  replicas = 1,
): KubeObject[] {
  const name = istiodName(revision);
  const labels = {
    app: 'istiod',
    istio: 'pilot',
    'istio.io/rev': revision,
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component': 'Pilot',
  };
  const podLabels = {
    app: 'istiod',
    istio: 'pilot',
    'istio.io/rev': revision,
    'sidecar.istio.io/inject': 'false',
  };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, istioSystem, labels),
      spec: {
        replicas,
        selector: { matchLabels: { app: 'istiod', 'istio.io/rev': revision } },
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
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            serviceAccountName: 'istiod',
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
                resources: { requests: { cpu: '500m', memory: '2048Mi' } },
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
        app: 'istiod',
        istio: 'pilot',
        'istio.io/rev': revision,
      }),
      spec: {
        selector: { app: 'istiod', 'istio.io/rev': revision },
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

function webhook(
  name: string,
  revision: string,
  namespaceSelector: object,
  objectSelector: object,
) {
  return {
    name,
    admissionReviewVersions: ['v1beta1', 'v1'],
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
  withDefault: boolean,
) {
  const hooks = [
    webhook(
      'rev.namespace.sidecar-injector.istio.io',
      revision,
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

/** The injector MutatingWebhookConfiguration of a revision. */
export function injectorWebhook(revision: string): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta(injectorWebhookName(revision), undefined, {
      app: 'sidecar-injector',
      'istio.io/rev': revision,
    }),
    webhooks: revisionWebhooks(revision, revision, revision === 'default'),
  };
}

/** A revision tag's MutatingWebhookConfiguration, as `istioctl tag set` writes it. */
export function tagWebhook(tag: string, revision: string): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta(tagWebhookName(tag), undefined, {
      app: 'sidecar-injector',
      'istio.io/rev': revision,
      'istio.io/tag': tag,
    }),
    webhooks: revisionWebhooks(tag, revision, tag === 'default'),
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

/** The platform team's LoadBalancer Service selecting exactly one gateway colour by revision. */
export function gatewayLoadBalancer(
  name: string,
  namespace: string,
  revision: string,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, namespace, { app: name, istio: 'ingressgateway' }),
    spec: {
      type: 'LoadBalancer',
      selector: { istio: 'ingressgateway', version: revision },
      ports: gatewayServicePorts,
    },
  };
}
