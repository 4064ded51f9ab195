import { KubeObject } from '../store/kubeObject';
import {
  atLeast,
  caBundle,
  chartLabels,
  istiodRelease,
  meta,
} from './chartMetadata';
import { istiodName, istioSystem } from './controlPlanes';
import { tagLabels } from './injectionWebhooks';

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
