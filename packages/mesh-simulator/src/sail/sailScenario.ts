import { validateObject } from '../api/validation';
import type { SimulatedCluster } from '../cluster/simulatedCluster';
import { istioSystem } from '../istio/controlPlanes';
import { ScenarioCluster } from '../scenarios/scenarioFormat';
import { KubeObject } from '../store/kubeObject';
import { activeRevisionName } from './istioController';
import { operatorNamespace } from './sailCharts';
import { istioType, sailApiVersion } from './sailResources';

/**
 * A scenario's control planes made by the Sail operator (`istio.installedWith: sail`): the
 * operator's namespace, then the `Istio` object set to each of the scenario's versions in turn
 * (so a `RevisionBased` Istio leaves one IstioRevision per version, as its history would), then
 * one `IstioRevisionTag` per tag. The simulated operator installs everything else.
 */

const meta = (name: string) => ({ name } as unknown as KubeObject['metadata']);

/** The `Istio` a Sail scenario describes, at `version` (a scenario version, without `v`). */
export function scenarioIstio(
  spec: ScenarioCluster,
  version: string,
): KubeObject {
  const sail = spec.istio?.sail ?? {};
  const grace = sail.inactiveRevisionDeletionGracePeriodSeconds;
  return {
    apiVersion: sailApiVersion,
    kind: 'Istio',
    metadata: meta(sail.istio ?? 'default'),
    spec: {
      namespace: istioSystem,
      version: `v${version}`,
      updateStrategy: {
        type: sail.updateStrategy ?? 'RevisionBased',
        ...(grace !== undefined
          ? { inactiveRevisionDeletionGracePeriodSeconds: grace }
          : {}),
      },
    },
  };
}

/** Loads a Sail scenario's control planes, creating objects as the API server would. */
export function loadSailControlPlanes(
  cluster: SimulatedCluster,
  spec: ScenarioCluster,
  createObject: (cluster: SimulatedCluster, object: KubeObject) => KubeObject,
) {
  const revisions = spec.istio?.revisions ?? [];
  if (revisions.length === 0) return;
  if (!cluster.hasNamespace(operatorNamespace)) {
    createObject(cluster, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(operatorNamespace),
    });
  }
  revisions.forEach((revision, index) => {
    const istio = scenarioIstio(spec, revision.version);
    const expected = activeRevisionName(istio);
    if (revision.name !== expected) {
      throw new Error(
        `scenario cluster ${spec.name}: Sail names the revision of ${istio.spec.version} ${expected}, not ${revision.name}`,
      );
    }
    if (index === 0) {
      createObject(cluster, istio);
    } else {
      const current = cluster.store.get(
        istioType,
        undefined,
        istio.metadata.name,
      )!;
      const next = {
        ...current,
        spec: { ...current.spec, version: istio.spec.version },
      };
      validateObject(istioType, next);
      cluster.store.replace(istioType, next);
    }
    cluster.settle();
  });
  const istioName = spec.istio?.sail?.istio ?? 'default';
  for (const [tag, target] of Object.entries(spec.istio?.tags ?? {})) {
    createObject(cluster, {
      apiVersion: sailApiVersion,
      kind: 'IstioRevisionTag',
      metadata: meta(tag),
      spec: {
        targetRef: {
          kind: target === istioName ? 'Istio' : 'IstioRevision',
          name: target,
        },
      },
    });
  }
  cluster.settle();
}
