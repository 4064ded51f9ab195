import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { ClusterDirectory } from '../clusters/ClusterDirectory';
import { readClusterConfig } from '../clusters/clusterConfig';
import {
  MeshSimulatorProcess,
  meshSimulatorBackendSetup,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { eventually } from '../testing/__testUtils__/inventoryTestBackend';
import { InventoryService } from './InventoryService';
import { readInventorySettings } from './inventoryConfig';
import { readReleaseTable } from './releaseTableConfig';

jest.setTimeout(120_000);

describe('InventoryService', () => {
  let simulator: MeshSimulatorProcess;

  beforeAll(async () => {
    simulator = await startMeshSimulator({ scenarios: ['seed'], speed: 20 });
  });

  afterAll(async () => {
    await simulator?.stop();
  });

  it('launches each cluster once when it starts before the catalog was ever read, and keeps its sync across an unchanged refresh', async () => {
    const { entities, config } = meshSimulatorBackendSetup(simulator);
    const reader = new ConfigReader(config);
    const clusterConfig = readClusterConfig(reader);
    const directory = new ClusterDirectory({
      catalog: catalogServiceMock({ entities: entities as Entity[] }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      config: clusterConfig,
    });
    const logger = mockServices.logger.mock();
    const inventory = new InventoryService({
      directory,
      logger,
      permissions: mockServices.permissions(),
      settings: readInventorySettings(reader),
      releases: readReleaseTable(reader),
      allowPrivateHosts: clusterConfig.allowedPrivateHosts,
    });
    await inventory.start();
    try {
      const sync = inventory.clusterSync('seed')!;
      await eventually(() => sync.syncState(Date.now(), 60_000).complete);
      expect(
        logger.info.mock.calls.filter(([message]) =>
          message.startsWith('Syncing the Istio inventory of cluster seed'),
        ),
      ).toHaveLength(1);
      const stats = await simulator.sim('GET', 'clusters/seed/stats');
      expect(stats.byVerbAndResource['list pods']).toBe(1);
      // One per watched kind: namespaces, pods, three workload kinds, services, webhooks, istiod
      // ReplicaSets and Gateway API gateways.
      expect(stats.openWatches).toBe(9);

      await directory.refresh();
      expect(inventory.clusterSync('seed')).toBe(sync);
    } finally {
      await inventory.stop();
    }
  });
});
