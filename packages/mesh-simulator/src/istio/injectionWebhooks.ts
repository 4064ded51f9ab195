import { KubeObject } from '../store/kubeObject';
import {
  atLeast,
  caBundle,
  chartLabels,
  istiodRelease,
  meta,
} from './chartMetadata';
import {
  externalVersionAnnotation,
  injectorWebhookName,
  istiodName,
  istioSystem,
  tagWebhookName,
} from './controlPlanes';

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
export function tagLabels(
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
