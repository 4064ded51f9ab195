import { KubeObject } from '../store/kubeObject';
import { atLeast, chartLabels, istiodRelease, meta } from './chartMetadata';
import { istiodName, istioSystem } from './controlPlanes';

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
