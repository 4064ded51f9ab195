import {
  chartLabels,
  installedByHelm,
  istiodRelease,
} from '../istio/chartMetadata';
import { istioSystem } from '../istio/controlPlanes';
import {
  injectorWebhook,
  tagService,
  tagWebhook,
} from '../istio/injectionWebhooks';
import { istiodAccessObjects } from '../istio/istiodAccess';
import { istioConfigMaps, istiodObjects } from '../istio/istiodObjects';
import {
  defaultValidator,
  revisionValidator,
} from '../istio/validationWebhooks';
import { KubeObject, OwnerReference } from '../store/kubeObject';
import { sailApiVersion } from './sailResources';
import { plainVersion } from './sailVersions';

/**
 * What Sail's Helm installs leave in the cluster: the charts Sail ships for each Istio version,
 * rendered with the values of an IstioRevision (`pkg/reconcile/istiod.go`) or an IstioRevisionTag
 * (`controllers/istiorevisiontag`), then passed through Sail's post-renderer
 * (`pkg/helm/postrenderer.go`), which labels every object `managed-by: sail-operator` and gives
 * it an owner reference to the Sail object (controller, blocking owner deletion).
 *
 * The objects themselves are the ones the simulator renders for Helm and istioctl installs of the
 * same charts, so a Sail-made revision looks like a Helm-made one but for Helm's release names:
 * `<revision>-istiod` for the istiod chart, `<tag>-revisiontags` for a tag, `default-base` for
 * the base chart of the `default` revision or tag.
 */

/** The label Sail's post-renderer puts on everything it installs (`constants.ManagedByLabelKey`). */
export const managedByLabel = 'managed-by';

/** Its value (`constants.ManagedByLabelValue`). */
export const managedByValue = 'sail-operator';

/** The namespace the operator runs in, where the base chart's release lives. */
export const operatorNamespace = 'sail-operator';

/** The name Sail gives the default revision and tag (`v1.DefaultRevision`). */
export const defaultRevisionName = 'default';

/** The owner reference the post-renderer adds for a Sail object. */
export function sailOwnerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: sailApiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

const releaseKeys = ['release', 'app.kubernetes.io/instance'];

/** Renames Helm's release in the labels the charts derive from it (`release`, `app.kubernetes.io/instance`). */
function renameRelease(
  labels: Record<string, string> | undefined,
  from: string,
  to: string,
) {
  if (!labels) return labels;
  const out = { ...labels };
  for (const key of releaseKeys) if (out[key] === from) out[key] = to;
  return out;
}

function postRendered(
  object: KubeObject,
  owner: KubeObject,
  release: string,
  releaseNamespace: string,
): KubeObject {
  const installed = installedByHelm(object, release, releaseNamespace);
  return {
    ...installed,
    metadata: {
      ...installed.metadata,
      labels: {
        ...(installed.metadata.labels ?? {}),
        [managedByLabel]: managedByValue,
      },
      ownerReferences: [sailOwnerReference(owner)],
    },
  };
}

/** The chart revision of an IstioRevision: its `values.revision`, `default` when empty. */
export function chartRevision(revision: KubeObject): string {
  return revision.spec?.values?.revision || defaultRevisionName;
}

/** The istiod Deployment name Sail reads readiness from (`istiodDeploymentKey`). */
export function istiodDeploymentName(revision: KubeObject): string {
  const r = revision.spec?.values?.revision;
  return r ? `istiod-${r}` : 'istiod';
}

/** Moves a rendered object into the control plane's namespace when it is not `istio-system`. */
function inNamespace(object: KubeObject, namespace: string): KubeObject {
  if (!object.metadata.namespace || namespace === istioSystem) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/**
 * The base chart's `istiod-default-validator` as Sail installs it (release `default-base` in the
 * operator's namespace): `defaultRevision` is the IstioRevision's name, so it calls that
 * revision's istiod for objects of any revision (no object selector, unlike istioctl's tag).
 */
function baseChartValidator(
  defaultRevision: string,
  version: string,
  owner: KubeObject,
): KubeObject[] {
  const validator = defaultValidator(defaultRevision, version, false);
  if (!validator) return [];
  const release = `${defaultRevisionName}-base`;
  const labelled: KubeObject = {
    ...validator,
    metadata: {
      ...validator.metadata,
      labels: {
        app: 'istiod',
        release,
        istio: 'istiod',
        'istio.io/rev': defaultRevision,
        'app.kubernetes.io/name': 'istiod',
        ...chartLabels(release, 'base', version),
      },
    },
  };
  return [postRendered(labelled, owner, release, operatorNamespace)];
}

/**
 * The objects of an IstioRevision's istiod chart (release `<name>-istiod` in `spec.namespace`):
 * istiod's Deployment and Service, the `istio` and `istio-sidecar-injector` ConfigMaps, the
 * injector MutatingWebhookConfiguration, istiod's ServiceAccount, RBAC, autoscaler and disruption
 * budget (`istiodAccessObjects`) and the revision's validator; for the revision named
 * `default` also the base chart's default validator. Replicas follow `values.pilot.replicaCount`.
 */
export function revisionChartObjects(revision: KubeObject): KubeObject[] {
  const version = plainVersion(String(revision.spec.version));
  const chartRev = chartRevision(revision);
  const namespace = String(revision.spec.namespace);
  const release = `${revision.metadata.name}-istiod`;
  const replicas = Number(revision.spec.values?.pilot?.replicaCount ?? 1);
  const rendered = [
    ...istiodObjects(chartRev, version, replicas),
    ...istioConfigMaps(chartRev, version),
    injectorWebhook(chartRev, version),
    ...istiodAccessObjects(chartRev, version, { replicas, namespace }),
  ];
  const validator = revisionValidator(chartRev, version);
  if (validator) rendered.push(validator);
  const helmRelease = istiodRelease(chartRev);
  const objects = rendered.map(o => {
    const template = o.spec?.template;
    const renamed: KubeObject = {
      ...o,
      metadata: {
        ...o.metadata,
        labels: renameRelease(o.metadata.labels, helmRelease, release),
      },
      ...(template
        ? {
            spec: {
              ...o.spec,
              template: {
                ...template,
                metadata: {
                  ...template.metadata,
                  labels: renameRelease(
                    template.metadata?.labels,
                    helmRelease,
                    release,
                  ),
                },
              },
            },
          }
        : {}),
    };
    return postRendered(
      inNamespace(renamed, namespace),
      revision,
      release,
      namespace,
    );
  });
  if (revision.metadata.name === defaultRevisionName) {
    objects.push(...baseChartValidator(defaultRevisionName, version, revision));
  }
  return objects;
}

/**
 * The objects of an IstioRevisionTag's `revisiontags` chart (release `<tag>-revisiontags`, chart
 * version 0.1.0, in the revision's namespace) rendered with the target revision's values: the
 * `istio-revision-tag-<tag>` MutatingWebhookConfiguration calling the revision's istiod (with the
 * `istio-injection=enabled` webhooks for the `default` tag) and, from 1.28, the
 * `istiod-revision-tag-<tag>` Service; for the `default` tag also the base chart's default
 * validator pointing at the revision.
 */
export function tagChartObjects(
  tag: KubeObject,
  revision: KubeObject,
): KubeObject[] {
  const name = tag.metadata.name;
  const version = plainVersion(String(revision.spec.version));
  const chartRev = chartRevision(revision);
  const namespace = String(revision.spec.namespace);
  const release = `${name}-revisiontags`;
  const chart = {
    ...chartLabels(release, 'revisiontags', version),
    'helm.sh/chart': 'revisiontags-0.1.0',
  };
  const webhook = tagWebhook(name, chartRev, version);
  const objects: KubeObject[] = [
    {
      ...webhook,
      metadata: {
        ...webhook.metadata,
        labels: {
          'istio.io/tag': name,
          'istio.io/rev': chartRev,
          'operator.istio.io/component': 'Pilot',
          app: 'sidecar-injector',
          release,
          'app.kubernetes.io/name': 'istiod',
          ...chart,
        },
      },
    },
  ];
  const service = tagService(name, chartRev, version);
  if (service) {
    objects.push(
      inNamespace(
        {
          ...service,
          metadata: {
            ...service.metadata,
            labels: {
              'istio.io/rev': chartRev,
              'istio.io/tag': name,
              'operator.istio.io/component': 'Pilot',
              app: 'istiod',
              istio: 'pilot',
              release,
              'app.kubernetes.io/name': 'istiod',
              ...chart,
            },
          },
        },
        namespace,
      ),
    );
  }
  const out = objects.map(o => postRendered(o, tag, release, namespace));
  if (name === defaultRevisionName) {
    out.push(...baseChartValidator(revision.metadata.name, version, tag));
  }
  return out;
}
