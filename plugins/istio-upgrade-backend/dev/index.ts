/*
 * Development entry point of the istio-upgrade backend: `yarn start` in this package (or
 * `yarn workspace @istio-upgrade/backstage-plugin-istio-upgrade-backend start` from the root).
 *
 * It starts the mesh simulator (`packages/mesh-simulator`) as a child process, by default with the
 * `seed` cluster (Istio 1.9.7 and 1.10.4 side by side, Bookinfo, blue/green ingress gateways), then a
 * backend with only this plugin on http://localhost:7007: the clusters come from a mocked catalog that
 * registers the simulator's clusters the way the Kubernetes plugin expects, with Bookinfo's four
 * services as components; auth is mocked (every call acts as `user:default/mock`) and every permission
 * is allowed. The database is in-memory SQLite, so requests last as long as the process.
 *
 *   MESH_SIM_SCENARIOS  simulator scenarios, comma separated (`seed`; `seed,demo` adds three clusters)
 *   MESH_SIM_SPEED      simulated clock speed factor (`1`; `20` restarts Bookinfo in well under a second)
 *   PORT                the backend's port (`7007`)
 *
 * Try, once it says it is listening:
 *
 *   curl http://localhost:7007/api/istio-upgrade/clusters
 *   curl http://localhost:7007/api/istio-upgrade/clusters/seed/inventory
 *   curl http://localhost:7007/api/istio-upgrade/fleet
 *   curl http://localhost:7007/api/istio-upgrade/entities/component/default/productpage
 *
 * Plan the migration of namespace bookinfo to revision 1-10-4 without running it (drop `dryRun` to
 * store and run it, then follow it with `curl http://localhost:7007/api/istio-upgrade/requests/<id>`):
 *
 *   curl http://localhost:7007/api/istio-upgrade/requests -H 'Content-Type: application/json' \
 *     -d '{"type":"namespace-migration","cluster":"seed","revision":"1-10-4","target":{"namespace":"bookinfo"},"dryRun":true}'
 *
 * The simulator's kubeconfig is printed at start, so `kubectl` sees what the plugin sees.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  componentEntity,
  meshSimulatorBackendSetup,
  startMeshSimulator,
} from '../src/testing/meshSimulator';

const BOOKINFO_SERVICES = ['productpage', 'details', 'reviews', 'ratings'];

async function main() {
  const scenarios = (process.env.MESH_SIM_SCENARIOS ?? 'seed')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const simulator = await startMeshSimulator({
    scenarios,
    speed: Number(process.env.MESH_SIM_SPEED ?? 1),
  });
  // eslint-disable-next-line no-console
  console.log(
    `mesh simulator at ${simulator.url} (${simulator.clusters
      .map(c => c.name)
      .join(', ')}); KUBECONFIG=${simulator.kubeconfig}`,
  );

  // The admin token: the dev backend runs requests, not only the inventory.
  const { entities, config } = meshSimulatorBackendSetup(simulator, {
    token: 'admin',
  });
  const port = Number(process.env.PORT ?? 7007);

  const backend = createBackend();
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        app: { baseUrl: 'http://localhost:3000' },
        backend: {
          baseUrl: `http://localhost:${port}`,
          listen: { port },
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        // Enabled, so that the plugin's floor for changes (which fails closed without the
        // permission framework) lets the mocked user act; the mock below allows everything.
        permission: { enabled: true },
        ...config,
      },
    }),
  );
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  backend.add(mockServices.userInfo.factory());
  backend.add(
    mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
  );
  backend.add(
    catalogServiceMock.factory({
      entities: [
        ...entities,
        ...BOOKINFO_SERVICES.map(name =>
          componentEntity(name, {
            'backstage.io/kubernetes-id': name,
            'backstage.io/kubernetes-namespace': 'bookinfo',
          }),
        ),
      ],
    }),
  );
  // Stops the simulator with the backend.
  backend.add(
    createBackendModule({
      pluginId: 'istio-upgrade',
      moduleId: 'dev-mesh-simulator',
      register(env) {
        env.registerInit({
          deps: { lifecycle: coreServices.rootLifecycle },
          async init({ lifecycle }) {
            lifecycle.addShutdownHook(() => simulator.stop());
          },
        });
      },
    }),
  );
  backend.add(import('../src'));

  await backend.start();
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
