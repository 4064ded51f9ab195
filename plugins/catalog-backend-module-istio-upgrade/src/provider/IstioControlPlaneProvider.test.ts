import { mockServices } from '@backstage/backend-test-utils';
import {
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  FleetCluster,
  FleetRevision,
  FleetSummary,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { controlPlaneEntityName } from './controlPlaneEntities';
import { IstioControlPlaneProvider } from './IstioControlPlaneProvider';

function revision(
  name: string,
  pods: number,
  extra: Partial<FleetRevision> = {},
): FleetRevision {
  return {
    revision: name,
    version: name.replace(/-/g, '.'),
    pods,
    namespaces: pods ? 1 : 0,
    support: { status: 'supported', endOfLife: '2027-01-01', minor: '1.29' },
    safeToRemove: pods === 0,
    ...extra,
  };
}

function cluster(
  name: string,
  revisions: FleetRevision[],
  sync: Partial<FleetCluster['cluster']['sync']> = {},
): FleetCluster {
  return {
    cluster: {
      name,
      entityRef: `resource:default/${name}`,
      owner: 'group:default/platform-team',
      status: 'ready',
      sync: { state: 'synced', complete: true, ...sync },
    },
    revisions,
    pods: 0,
    injectedPods: 0,
    namespaces: 0,
    podsNeedingRestart: 0,
    teams: [],
    warningCounts: { info: 0, warning: 0, error: 0 },
  };
}

const fleetOf = (...clusters: FleetCluster[]): FleetSummary => ({
  generatedAt: '2026-03-02T10:00:00.000Z',
  clusters,
  warnings: [],
});

/** The provider with a fleet the test sets and a connection that records its mutations. */
function setup() {
  let fleet = fleetOf();
  const applyMutation = jest.fn<
    ReturnType<EntityProviderConnection['applyMutation']>,
    Parameters<EntityProviderConnection['applyMutation']>
  >(async () => {});
  let refresh: () => Promise<void> = async () => {};
  const provider = new IstioControlPlaneProvider({
    fleet: { getFleet: async () => fleet },
    logger: mockServices.logger.mock(),
    taskRunner: {
      run: async task => {
        refresh = task.fn as () => Promise<void>;
      },
    },
  });
  return {
    connect: () => provider.connect({ applyMutation, refresh: jest.fn() }),
    setFleet: (next: FleetSummary) => {
      fleet = next;
    },
    refresh: () => refresh(),
    mutations: () => applyMutation.mock.calls.map(([m]) => m),
    provider,
  };
}

const refsOf = (entities: Array<{ entity: any }>) =>
  entities.map(e => `${e.entity.metadata.namespace}/${e.entity.metadata.name}`);

describe('IstioControlPlaneProvider', () => {
  it('emits one valid Resource per control plane, named, owned and related as the catalog expects', async () => {
    const { connect, setFleet, refresh, mutations } = setup();
    await connect();
    setFleet(
      fleetOf(
        cluster('prod-eu', [
          revision('1-30-1', 25, {
            support: {
              status: 'end-of-life',
              endOfLife: '2026-02-01',
              minor: '1.28',
            },
          }),
          revision('1-30-4', 15),
          // Pods left on a revision whose control plane is gone: not a control plane.
          {
            revision: '1-27-0',
            version: '1.27.0',
            pods: 2,
            namespaces: 0,
            support: { status: 'unknown' },
          },
        ]),
      ),
    );
    await refresh();

    const [full] = mutations();
    expect(full.type).toBe('full');
    if (full.type !== 'full') throw new Error('not a full mutation');
    expect(refsOf(full.entities)).toEqual([
      'default/prod-eu-istiod-1-30-1',
      'default/prod-eu-istiod-1-30-4',
    ]);
    const [old] = full.entities;
    expect(old.locationKey).toBe('istio-upgrade:resource:default/prod-eu');
    expect(old.entity).toMatchObject({
      kind: 'Resource',
      metadata: {
        annotations: {
          'istio-upgrade.io/cluster': 'prod-eu',
          'istio-upgrade.io/revision': '1-30-1',
          'istio-upgrade.io/version': '1.30.1',
          'istio-upgrade.io/support-status': 'end-of-life',
          'istio-upgrade.io/end-of-life': '2026-02-01',
          'istio-upgrade.io/pods-in-use': '25',
          'istio-upgrade.io/namespaces-in-use': '1',
          'istio-upgrade.io/safe-to-remove': 'false',
        },
        labels: { 'istio-upgrade.io/support-status': 'end-of-life' },
        tags: ['istio', 'istio-1-28'],
      },
      spec: {
        type: 'istio-control-plane',
        owner: 'group:default/platform-team',
        dependencyOf: ['resource:default/prod-eu'],
      },
    });
    const policy = EntityPolicies.allOf([
      new SchemaValidEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
    ]);
    for (const { entity } of full.entities) {
      await expect(policy.enforce(entity)).resolves.toBeDefined();
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
    }
  });

  it('sends only what changed afterwards, and nothing when nothing did', async () => {
    const { connect, setFleet, refresh, mutations } = setup();
    await connect();
    setFleet(
      fleetOf(cluster('seed', [revision('1-9-7', 7), revision('1-10-4', 0)])),
    );
    await refresh();
    await refresh();
    expect(mutations()).toHaveLength(1);

    // nginx moved: one pod from 1-9-7 to 1-10-4.
    setFleet(
      fleetOf(cluster('seed', [revision('1-9-7', 6), revision('1-10-4', 1)])),
    );
    await refresh();
    const delta = mutations()[1];
    expect(delta.type).toBe('delta');
    if (delta.type !== 'delta') throw new Error('not a delta');
    expect(refsOf(delta.added)).toEqual([
      'default/seed-istiod-1-9-7',
      'default/seed-istiod-1-10-4',
    ]);
    expect(
      delta.added.map(
        a => a.entity.metadata.annotations!['istio-upgrade.io/pods-in-use'],
      ),
    ).toEqual(['6', '1']);
    expect(delta.removed).toEqual([]);
  });

  it('removes the entity of a revision that is gone, and those of a cluster the catalog dropped', async () => {
    const { connect, setFleet, refresh, mutations } = setup();
    await connect();
    setFleet(
      fleetOf(
        cluster('seed', [revision('1-9-7', 0), revision('1-10-4', 7)]),
        cluster('staging', [revision('1-31-0', 3)]),
      ),
    );
    await refresh();
    setFleet(fleetOf(cluster('seed', [revision('1-10-4', 7)])));
    await refresh();
    expect(mutations()[1]).toEqual({
      type: 'delta',
      added: [],
      removed: [
        {
          entityRef: 'resource:default/seed-istiod-1-9-7',
          locationKey: 'istio-upgrade:resource:default/seed',
        },
        {
          entityRef: 'resource:default/staging-istiod-1-31-0',
          locationKey: 'istio-upgrade:resource:default/staging',
        },
      ],
    });
  });

  it("keeps a cluster's entities while its inventory is incomplete or the cluster cannot be used", async () => {
    const { connect, setFleet, refresh, mutations } = setup();
    await connect();
    setFleet(fleetOf(cluster('seed', [revision('1-10-4', 7)])));
    await refresh();
    // A relist after a restart: the inventory is empty until every kind is listed again.
    setFleet(
      fleetOf(cluster('seed', [], { state: 'syncing', complete: false })),
    );
    await refresh();
    setFleet(
      fleetOf({
        ...cluster('seed', []),
        cluster: {
          ...cluster('seed', []).cluster,
          status: 'no-credentials',
          sync: { state: 'unavailable', complete: false },
        },
      }),
    );
    await refresh();
    expect(mutations()).toHaveLength(1);
  });

  it('gives a long cluster and revision a stable name the catalog accepts', () => {
    const long = 'a-very-long-cluster-name-in-a-region-far-far-away-001';
    const name = controlPlaneEntityName(long, '1-30-4');
    expect(name).toHaveLength(63);
    expect(name).toMatch(
      /^a-very-long-cluster-name-in-a-region-far-[0-9a-f]{8}-istiod-1-30-4$/,
    );
    expect(controlPlaneEntityName(long, '1-30-4')).toBe(name);
    expect(controlPlaneEntityName(long, '1-29-2')).not.toBe(name);
    expect(controlPlaneEntityName('seed', '1-10-4')).toBe('seed-istiod-1-10-4');
  });

  it('logs a fleet it cannot read and keeps what it emitted', async () => {
    const logger = mockServices.logger.mock();
    let task: () => Promise<void> = async () => {};
    const applyMutation = jest.fn();
    const provider = new IstioControlPlaneProvider({
      fleet: {
        getFleet: async () => {
          throw new Error('istio-upgrade answered 503');
        },
      },
      logger,
      taskRunner: {
        run: async t => {
          task = t.fn as () => Promise<void>;
        },
      },
    });
    await provider.connect({ applyMutation, refresh: jest.fn() });
    await task();
    expect(applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not refresh the Istio control planes: istio-upgrade answered 503',
    );
  });
});
