import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { istioUpgradePlugin } from '../../plugin';
import {
  MeshSimulatorBackendSetupOptions,
  MeshSimulatorProcess,
  meshSimulatorBackendSetup,
} from '../meshSimulator';

/** Options of {@link startInventoryTestBackend}. */
export interface InventoryTestBackendOptions
  extends MeshSimulatorBackendSetupOptions {
  /** Catalog entities besides the simulator's clusters (components, extra clusters). */
  entities?: Entity[] | Array<Record<string, unknown>>;
  /** The permission framework's answer to every authorize call. Default ALLOW. */
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  /** Config merged over the generated config (per top-level key; `istioUpgrade` per key of its own). */
  config?: Record<string, any>;
}

/**
 * A test backend running the istio-upgrade plugin against a running simulator, with the catalog holding
 * the simulator's clusters. `get` calls the plugin's API as a user.
 */
export async function startInventoryTestBackend(
  simulator: Pick<MeshSimulatorProcess, 'clusters' | 'caPem'>,
  options: InventoryTestBackendOptions = {},
) {
  const setup = meshSimulatorBackendSetup(simulator, options);
  // Merged per top-level key, and one level deeper for istioUpgrade, so that a test's request or
  // campaign settings keep the simulator's cluster credentials.
  const config = {
    ...setup.config,
    ...options.config,
    istioUpgrade: {
      ...setup.config.istioUpgrade,
      ...options.config?.istioUpgrade,
    },
  };
  const backend = await startTestBackend({
    features: [
      istioUpgradePlugin,
      catalogServiceMock.factory({
        entities: [...setup.entities, ...(options.entities ?? [])] as Entity[],
      }),
      mockServices.rootConfig.factory({ data: config }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
    ],
  });
  return {
    server: backend.server,
    /** `GET /api/istio-upgrade<path>` as a user. */
    get: (path: string) =>
      request(backend.server).get(`/api/istio-upgrade${path}`),
    stop: () => backend.stop(),
  };
}

/**
 * Polls `check` until it returns a value that is not `undefined`/`false`, or throws after `timeoutMs` with
 * the last value or error, so that a failed wait says what it saw.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail =
        last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`condition not met within ${timeoutMs} ms: ${detail}`);
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
}
