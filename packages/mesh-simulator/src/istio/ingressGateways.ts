import { KubeObject } from '../store/kubeObject';
import { atLeast, installedByHelm, meta } from './chartMetadata';

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
