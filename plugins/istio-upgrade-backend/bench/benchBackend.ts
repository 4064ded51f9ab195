/*
 * The backend the inventory benchmark measures, as a process of its own: `createBackend()` with the
 * istio-upgrade plugin and `@backstage/plugin-kubernetes-backend` (loaded from the demo backend, which
 * installs it), the catalog, auth and permissions mocked (every caller is a user, every permission
 * allowed: the same for both plugins). Settings come from the JSON file named by BENCH_BACKEND_FILE:
 * `{ config, entities }`. Prints `backend ready` once it serves.
 */
import { createBackend } from '@backstage/backend-defaults';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { istioUpgradePlugin } from '../src/plugin';

const { config, entities } = JSON.parse(
  readFileSync(process.env.BENCH_BACKEND_FILE!, 'utf8'),
) as { config: JsonObject; entities: Entity[] };

// The Kubernetes plugin is a dependency of the demo backend, not of this package.
const demoBackend = createRequire(
  resolvePackagePath(
    '@istio-upgrade/backstage-plugin-istio-upgrade-backend',
    '../../packages/backend/package.json',
  ),
);

const backend = createBackend();
backend.add(istioUpgradePlugin);
backend.add(demoBackend('@backstage/plugin-kubernetes-backend').default);
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
