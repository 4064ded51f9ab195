import { KubeObject } from '../store/kubeObject';
import { atLeast, chartLabels, meta } from './chartMetadata';
import { istioSystem } from './controlPlanes';

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
