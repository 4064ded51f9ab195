import {
  ISTIO_LABELS,
  istioVersionFromImage,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  controlPlaneRevisionOf,
  injectorRevisionOf,
  revisionTagOf,
} from '../istioResources';
import type { WebhookRecord, WorkloadRecord } from '../records';
import type { ControlPlaneTally, MeshControl } from './tallies';
import { byNamespaceAndName } from './wording';

/**
 * Finds the control planes (istiod Deployments, the first by namespace and name for each revision),
 * the revision tags, the injector webhooks and the revisions served from outside the cluster.
 */
export function readMeshControl(
  workloads: ReadonlyArray<WorkloadRecord>,
  webhooks: Iterable<WebhookRecord>,
): MeshControl {
  const controlPlanes = new Map<string, ControlPlaneTally>();
  for (const workload of [...workloads].sort(byNamespaceAndName)) {
    const revision = controlPlaneRevisionOf(workload);
    if (revision !== undefined && !controlPlanes.has(revision)) {
      controlPlanes.set(revision, {
        revision,
        workload,
        version: istioVersionFromImage(workload.images.discovery),
        pods: 0,
        namespaces: [],
        tags: [],
        gateways: [],
      });
    }
  }

  const tags = new Map<string, string | undefined>();
  const injectors = new Set<string>();
  const externalInjectors = new Map<string, string>();
  for (const webhook of webhooks) {
    const tag = revisionTagOf(webhook);
    if (tag !== undefined) {
      tags.set(tag, webhook.labels[ISTIO_LABELS.revision]);
      continue;
    }
    const injector = injectorRevisionOf(webhook);
    if (injector !== undefined) {
      injectors.add(injector);
      const url = webhook.urls?.[0];
      if (url !== undefined && !controlPlanes.has(injector)) {
        externalInjectors.set(injector, url);
      }
    }
  }
  const revisions: ReadonlySet<string> = new Set([
    ...controlPlanes.keys(),
    ...externalInjectors.keys(),
  ]);
  for (const [tag, revision] of tags) {
    if (revision !== undefined) {
      controlPlanes.get(revision)?.tags.push(tag);
    }
  }
  return { controlPlanes, tags, injectors, externalInjectors, revisions };
}
