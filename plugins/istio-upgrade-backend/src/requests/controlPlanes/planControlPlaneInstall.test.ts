import {
  clusterInventory,
  controlPlane,
} from '../planning/__testUtils__/inventoryFixtures';
import {
  manualInstallCommands,
  planControlPlaneInstall,
  valuesDiff,
} from './planControlPlaneInstall';

const management = (extra: object = {}) => ({
  istios: [],
  istioRevisions: [],
  istioRevisionTags: [],
  istiods: new Map(),
  ...extra,
});

describe('planControlPlaneInstall', () => {
  it('diffs values by dotted path', () => {
    expect(
      valuesDiff(
        { version: 'v1.30.4', values: { revision: 'a', pilot: { cpu: 1 } } },
        {
          version: 'v1.31.0',
          values: { revision: 'b', pilot: { cpu: 1 } },
          extra: true,
        },
      ),
    ).toEqual([
      'extra: (unset) -> true',
      'values.revision: "a" -> "b"',
      'version: "v1.30.4" -> "v1.31.0"',
    ]);
  });

  it('gives Helm users the commands with the current values, and writes nothing', () => {
    const plan = planControlPlaneInstall({
      inventory: clusterInventory({
        controlPlanes: [controlPlane('1-30-4', '1.30.4', { isDefault: true })],
      }),
      management: management(),
      installedBy: 'helm',
      version: '1.31.0',
      revision: '1-31-0',
      current: {
        revision: '1-30-4',
        namespace: 'istio-system',
        hub: 'docker.io/istio',
        meshConfig: { accessLogFile: '/dev/stdout' },
        resources: { requests: { cpu: '500m' } },
      },
    });
    expect(plan.patches).toEqual([]);
    expect(plan.controlPlane).toMatchObject({
      installedBy: 'helm',
      mode: 'manual',
    });
    const [values, helm] = plan.controlPlane!.commands!;
    expect(JSON.parse(values.split('\n').slice(1, -1).join('\n'))).toEqual({
      revision: '1-31-0',
      global: { hub: 'docker.io/istio', tag: '1.31.0' },
      meshConfig: { accessLogFile: '/dev/stdout' },
      pilot: { resources: { requests: { cpu: '500m' } } },
    });
    expect(helm).toBe(
      'helm upgrade --install istiod-1-31-0 istio/istiod --version 1.31.0 --namespace istio-system --set revision=1-31-0 --values istiod-1-31-0-values.yaml --wait',
    );
    expect(
      manualInstallCommands('1.31.0', '1-31-0', undefined, 'istioctl')[1],
    ).toMatch(
      /^istioctl install --revision 1-31-0 --filename istiod-1-31-0-operator.yaml/,
    );
  });

  it("on Sail, creates an IstioRevision with the current one's values when no Istio is RevisionBased", () => {
    const plan = planControlPlaneInstall({
      inventory: clusterInventory({
        controlPlanes: [controlPlane('main', '1.30.4', { isDefault: true })],
      }),
      management: management({
        istioRevisions: [
          {
            apiVersion: 'sailoperator.io/v1',
            kind: 'IstioRevision',
            metadata: { name: 'main' },
            spec: {
              version: 'v1.30.4',
              namespace: 'istio-system',
              values: { revision: 'main', meshConfig: { a: 1 } },
            },
          },
        ],
      }),
      installedBy: 'sail',
      version: '1.31.0',
      revision: 'next',
    });
    expect(plan.patches).toEqual([
      expect.objectContaining({
        patchType: 'create',
        kind: 'IstioRevision',
        name: 'next',
        patch: expect.objectContaining({
          spec: {
            version: 'v1.31.0',
            namespace: 'istio-system',
            values: { revision: 'next', meshConfig: { a: 1 } },
          },
        }),
      }),
    ]);
    expect(plan.controlPlane?.valuesDiff).toEqual([
      'values.revision: "main" -> "next"',
      'version: "v1.30.4" -> "v1.31.0"',
    ]);
    expect(plan.rollbackPatches).toEqual([
      expect.objectContaining({
        patchType: 'delete',
        kind: 'IstioRevision',
        name: 'next',
      }),
    ]);
  });
});
