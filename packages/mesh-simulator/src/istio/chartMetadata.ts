/**
 * What Istio's charts put on every object they render: the labels of a release and chart, Helm's
 * annotations, the webhooks' CA bundle, and the release checks the templates make.
 */

import { KubeObject } from '../store/kubeObject';
import { parseIstioVersion } from './istioVersions';

/** The CA bundle the simulated webhooks carry (nothing checks it). */
export const caBundle = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nmesh-simulator\n-----END CERTIFICATE-----\n',
).toString('base64');

/** Object metadata with `namespace` and `annotations` only when given. */
export function meta(
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

/** Whether an Istio version is at least `1.<minor>`. */
export function atLeast(version: string, minor: number): boolean {
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
export function chartLabels(
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

/** The Helm release of a revision's istiod chart, as Istio's Helm install documents name it. */
export function istiodRelease(revision: string): string {
  return revision === 'default' ? 'istiod' : `istiod-${revision}`;
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
