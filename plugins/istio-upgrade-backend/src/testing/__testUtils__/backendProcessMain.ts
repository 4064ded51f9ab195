/*
 * The istio-upgrade backend as an OS process of its own, for tests that kill it (SIGKILL) and start
 * it again on the same database: `createBackend()` with the real database, scheduler, HTTP server and
 * lifecycle, the catalog, auth and permissions mocked. Its settings come from the JSON file named by
 * ISTIO_UPGRADE_BACKEND_PROCESS_FILE: `{ config, entities }`. Prints `backend ready` once it serves.
 * Started by startBackendProcess.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import { readFileSync } from 'node:fs';
import { istioUpgradePlugin } from '../../plugin';

const file = process.env.ISTIO_UPGRADE_BACKEND_PROCESS_FILE;
if (!file) {
  process.stderr.write('ISTIO_UPGRADE_BACKEND_PROCESS_FILE is not set\n');
  process.exit(2);
}
const { config, entities } = JSON.parse(readFileSync(file, 'utf8')) as {
  config: JsonObject;
  entities: Entity[];
};

const backend = createBackend();
backend.add(istioUpgradePlugin);
backend.add(catalogServiceMock.factory({ entities }));
backend.add(mockServices.rootConfig.factory({ data: config }));
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(mockServices.userInfo.factory());
backend.add(
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
);

backend.start().then(
  () => process.stdout.write('backend ready\n'),
  error => {
    process.stderr.write(`backend failed to start: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
