import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import { istioUpgradePlugin } from '../../plugin';
import type {
  RequestInputCluster,
  RequestInputTarget,
} from './requestInputSuite';

export const CAROL = 'user:default/carol'; // owns productpage
export const DAVE = 'user:default/dave'; // owns nothing here
export const ALICE = 'user:default/alice'; // platform

function component(
  name: string,
  annotations: Record<string, string>,
  owner: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/**
 * A permission policy in the shape of the demo's: migrations only by owners (here: Carol owns
 * productpage), cutovers and approvals only by the platform user Alice.
 */
function policy(
  requests: any[],
  credentials: { principal: any },
): Array<{ result: AuthorizeResult.ALLOW | AuthorizeResult.DENY }> {
  const who =
    credentials.principal.userEntityRef ?? credentials.principal.subject;
  return requests.map(({ permission, resourceRef }) => {
    const name: string = permission.name;
    let allowed = true;
    if (name === 'istio-upgrade.namespace.migrate') {
      allowed =
        who === ALICE ||
        (who === CAROL && resourceRef === 'component:default/productpage');
    } else if (name !== 'istio-upgrade.inventory.read') {
      allowed = who === ALICE || who === 'user:default/bob';
    }
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  });
}

/**
 * The plugin against the suite's cluster, with the demo's permission policy, keeping as text what it
 * logs, notifies and audits (so that the suite can look for secrets in them).
 */
export function startRequestInputBackend(
  target: RequestInputTarget,
  setup: RequestInputCluster['setup'],
  sinks: { logged: string[]; notified: string[]; audited: string[] },
) {
  // Keeps what would be logged, as text; meta objects can be large or circular.
  const line = (message: unknown, meta?: unknown) => {
    let text = '';
    try {
      text = JSON.stringify(meta) ?? '';
    } catch {
      text = Object.keys((meta as object) ?? {}).join(',');
    }
    sinks.logged.push(`${message} ${text.slice(0, 10_000)}`);
  };
  const capture: any = {
    child: () => capture,
    error: line,
    warn: line,
    info: line,
    debug: line,
  };
  return startTestBackend({
    features: [
      istioUpgradePlugin,
      catalogServiceMock.factory({
        entities: [
          ...(setup.entities as Entity[]),
          component('productpage', target.productpage, CAROL),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          ...setup.config,
          permission: { enabled: true },
          istioUpgrade: {
            ...setup.config.istioUpgrade,
            requests: { approvers: ['group:default/platform-team'] },
          },
        },
      }),
      mockServices.rootLogger.mock(capture).factory,
      mockServices.auditor.mock({
        createEvent: async (options: any) => {
          sinks.audited.push(JSON.stringify(options.meta ?? {}));
          return { success: async () => {}, fail: async () => {} };
        },
      }).factory,
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => ({
          authorize: async (requests: any[], options: any) =>
            policy(requests, options.credentials),
          authorizeConditional: async (requests: any[], options: any) =>
            policy(requests, options.credentials),
        }),
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (options: any) => {
            sinks.notified.push(JSON.stringify(options));
          },
        }),
      }),
    ],
  });
}
