/* eslint-disable jest/no-export -- a suite shared by the simulator and real-cluster tiers, which call it */
import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { istioUpgradePlugin } from '../../plugin';
import { eventually } from './inventoryTestBackend';

const CAROL = 'user:default/carol'; // owns productpage
const DAVE = 'user:default/dave'; // owns nothing here
const ALICE = 'user:default/alice'; // platform

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

/** The cluster a {@link describeRequestInput} suite runs against. */
export interface RequestInputTarget {
  /** The tier, for the suite's title: `simulator` or `real cluster`. */
  tier: string;
  /** The cluster's name in the catalog. */
  cluster: string;
  /** A revision bookinfo can migrate to, and the gateway can be cut over to. */
  revision: string;
  /** The revision the gateway serves before the cutover (and after its rollback). */
  liveRevision: string;
  /** How the productpage Component maps to its workloads in bookinfo (Kubernetes plugin annotations). */
  productpage: Record<string, string>;
  /** Starts (or connects to) the cluster. */
  start(): Promise<RequestInputCluster>;
}

/** A running cluster, as the suite needs it. */
export interface RequestInputCluster {
  /** Catalog entities and config pointing the plugin at the cluster with a token that may write. */
  setup: {
    entities: Array<Record<string, unknown>>;
    config: Record<string, any>;
  };
  /** Writes the backend has made to the cluster since `markWrites` (or the start). */
  writes(): Promise<number>;
  markWrites(): Promise<void>;
  /** kubectl with the cluster's admin credentials. */
  kubectl(args: string[]): Promise<string>;
  /** Credentials that must never appear in an answer, a log, a notification or an audit event. */
  secrets: string[];
  stop(): Promise<void>;
}

/**
 * Bad input and authorization on the requests API: the same cases, with the same answers, on every tier
 * (the simulator and the real cluster). Ends with a cutover approved by another user, and its rollback.
 */
export function describeRequestInput(target: RequestInputTarget) {
  describe(`bad input and authorization on the requests API (${target.tier})`, () => {
    let cluster: RequestInputCluster;
    let server: any;
    let stop: () => Promise<void>;
    const logged: string[] = [];
    const notified: string[] = [];
    const audited: string[] = [];
    const answers: string[] = [];

    const call = (
      user: string | undefined,
      method: 'get' | 'post',
      path: string,
    ) => {
      const req = request(server)[method](`/api/istio-upgrade${path}`);
      if (user) req.set('Authorization', mockCredentials.user.header(user));
      return req;
    };
    const record = (res: request.Response) => {
      answers.push(res.text);
      return res;
    };

    beforeAll(async () => {
      cluster = await target.start();
      const setup = cluster.setup;
      // Keeps what would be logged, as text; meta objects can be large or circular.
      const line = (message: unknown, meta?: unknown) => {
        let text = '';
        try {
          text = JSON.stringify(meta) ?? '';
        } catch {
          text = Object.keys((meta as object) ?? {}).join(',');
        }
        logged.push(`${message} ${text.slice(0, 10_000)}`);
      };
      const capture: any = {
        child: () => capture,
        error: line,
        warn: line,
        info: line,
        debug: line,
      };
      const backend = await startTestBackend({
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
              audited.push(JSON.stringify(options.meta ?? {}));
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
                notified.push(JSON.stringify(options));
              },
            }),
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      await eventually(async () => {
        const res = await call(
          ALICE,
          'get',
          `/clusters/${target.cluster}/inventory`,
        );
        return res.body?.cluster?.sync?.complete ? res.body : undefined;
      });
      await cluster.markWrites();
    });

    afterAll(async () => {
      await stop?.();
      await cluster?.stop();
    });

    const valid = {
      type: 'namespace-migration',
      cluster: target.cluster,
      revision: target.revision,
      target: { namespace: 'bookinfo' },
      entityRef: 'component:default/productpage',
      dryRun: true,
    };

    const hostile: Array<[string, unknown, number, RegExp?]> = [
      ['an array body', [valid], 400],
      ['an empty object', {}, 400],
      ['no type', { ...valid, type: undefined }, 400],
      ['an unknown type', { ...valid, type: 'delete-cluster' }, 400],
      ['an unknown top-level field', { ...valid, force: true }, 400],
      [
        'an unknown target field',
        { ...valid, target: { namespace: 'bookinfo', labels: {} } },
        400,
      ],
      [
        'an unknown option',
        { ...valid, options: { skipPrechecks: true } },
        400,
      ],
      [
        'a URL as cluster name',
        { ...valid, cluster: 'https://evil.example.com/' },
        400,
      ],
      ['a path as cluster name', { ...valid, cluster: '../seed' }, 400],
      ['an IP as cluster name', { ...valid, cluster: '169.254.169.254' }, 404],
      [
        'a cluster the catalog does not have',
        { ...valid, cluster: 'nope' },
        404,
      ],
      ['a revision with dots', { ...valid, revision: '1.10.4' }, 400],
      ['an upper-case revision', { ...valid, revision: 'Canary' }, 400],
      [
        'a shell-injection revision',
        { ...valid, revision: '1-10-4;rm -rf /' },
        400,
      ],
      [
        'a label-injection revision',
        { ...valid, revision: '1-10-4,istio-injection=enabled' },
        400,
      ],
      ['an overlong revision', { ...valid, revision: 'a'.repeat(64) }, 400],
      [
        'a revision that does not exist',
        { ...valid, dryRun: false, revision: '9-9-9' },
        400,
        /No control plane of revision 9-9-9/,
      ],
      [
        'kube-system',
        { ...valid, target: { namespace: 'kube-system' } },
        400,
        /protected/,
      ],
      [
        'istio-system',
        { ...valid, target: { namespace: 'istio-system' } },
        400,
        /protected/,
      ],
      [
        'kube-public',
        { ...valid, target: { namespace: 'kube-public' } },
        400,
        /protected/,
      ],
      [
        'an upper-case namespace',
        { ...valid, target: { namespace: 'Bookinfo' } },
        400,
      ],
      [
        'a namespace with a newline',
        { ...valid, target: { namespace: 'bookinfo\nnginx' } },
        400,
      ],
      [
        'a label-injection namespace',
        { ...valid, target: { namespace: 'bookinfo,istio.io/rev=x' } },
        400,
      ],
      [
        'a path-traversal namespace',
        { ...valid, target: { namespace: '../../apis' } },
        400,
      ],
      [
        'an overlong namespace',
        { ...valid, target: { namespace: 'n'.repeat(64) } },
        400,
      ],
      [
        'a namespace that does not exist',
        { ...valid, target: { namespace: 'ghost' } },
        404,
      ],
      [
        'an entity restart scope without entityRef',
        { ...valid, entityRef: undefined, options: { restartScope: 'entity' } },
        400,
      ],
      ['a malformed entityRef', { ...valid, entityRef: 'not a ref' }, 400],
      [
        'a traversal entityRef',
        { ...valid, entityRef: 'component:default/../../x' },
        400,
      ],
      [
        'an entity that does not exist',
        { ...valid, entityRef: 'component:default/ghost' },
        404,
      ],
      [
        'a superfluous service in a migration',
        { ...valid, target: { namespace: 'bookinfo', service: 'x' } },
        400,
      ],
      [
        'a cutover without its service',
        {
          ...valid,
          type: 'gateway-cutover',
          target: { namespace: 'istio-gateways' },
        },
        400,
      ],
      [
        'a tag move aimed at a namespace',
        {
          ...valid,
          type: 'revision-tag-move',
          target: { namespace: 'bookinfo' },
        },
        400,
      ],
      ['a wave of zero', { ...valid, options: { waveSize: 0 } }, 400],
      [
        'a wave of ten thousand',
        { ...valid, options: { waveSize: 10000 } },
        400,
      ],
      [
        'a wave size as a string',
        { ...valid, options: { waveSize: '2' } },
        400,
      ],
      ['dryRun as a string', { ...valid, dryRun: 'yes' }, 400],
      [
        'an idempotency key with spaces',
        { ...valid, idempotencyKey: 'a b; drop table' },
        400,
      ],
      [
        'a 5000-character comment',
        { ...valid, comment: 'x'.repeat(5000) },
        400,
      ],
    ];

    // Every row has four entries, so that jest does not take the test for a done-callback test.
    it.each(
      hostile.map(([name, body, status, message]) => [
        name,
        body,
        status,
        message,
      ]),
    )(
      'refuses %s with a clear 4xx and no cluster write',
      async (_, body, status, message) => {
        const res = record(
          await call(ALICE, 'post', '/requests').send(body as object),
        );
        expect(res.status).toBe(status);
        expect(res.body.error.message).toEqual(expect.any(String));
        expect(res.body.error.message.length).toBeGreaterThan(5);
        expect(res.body.error.message).toMatch(message ?? /./);
      },
    );

    it.each([
      ['malformed JSON', '{"type": ', 'application/json', 400],
      [
        'a __proto__ field',
        `{"type":"namespace-migration","cluster":"${target.cluster}","revision":"${target.revision}","target":{"namespace":"bookinfo"},"entityRef":"component:default/productpage","dryRun":true,"__proto__":{"admin":true}}`,
        'application/json',
        400,
      ],
      [
        'a constructor field',
        `{"type":"namespace-migration","cluster":"${target.cluster}","revision":"${target.revision}","target":{"namespace":"bookinfo"},"entityRef":"component:default/productpage","dryRun":true,"constructor":{"prototype":{"admin":true}}}`,
        'application/json',
        400,
      ],
      ['a text body', 'type=namespace-migration', 'text/plain', 400],
      [
        'a 200 KB body',
        JSON.stringify({ ...valid, comment: 'x'.repeat(200_000) }),
        'application/json',
        413,
      ],
    ])('refuses %s', async (_, raw, contentType, status) => {
      const res = record(
        await call(ALICE, 'post', '/requests')
          .set('Content-Type', contentType)
          .send(raw),
      );
      // express answers a body over the limit 400 "request entity too large" through Backstage's error
      // handler; either 4xx is right as long as it says so.
      expect(status === 413 ? [400, 413] : [status]).toContain(res.status);
      expect(res.body.error.message).toEqual(expect.any(String));
      expect(res.body.error.message).toMatch(
        status === 413 ? /too large/ : /./,
      );
    });

    it.each([
      ['a request id that is not a UUID', 'get', '/requests/1%20or%201=1', 400],
      ['an unknown request', 'post', `/requests/${randomUUID()}/approve`, 404],
      [
        'a state filter with SQL',
        'get',
        '/requests?state=pending%27%3B%20drop%20table',
        400,
      ],
      ['a huge limit', 'get', '/requests?limit=100000', 400],
      [
        'prechecks without a type',
        'get',
        `/clusters/${target.cluster}/prechecks?revision=${target.revision}&namespace=bookinfo`,
        400,
      ],
      ['an unknown query parameter', 'get', '/requests?admin=true', 400],
      [
        'an entity name with a newline',
        'get',
        '/entities/component/default/x%0Ay',
        400,
      ],
    ] as const)('refuses %s', async (_, method, path, status) => {
      const res = record(await call(ALICE, method, path).send());
      expect({ status: res.status, message: res.body?.error?.message }).toEqual(
        {
          status,
          message: expect.any(String),
        },
      );
    });

    it('has made no write to the cluster through all of that', async () => {
      expect(await cluster.writes()).toBe(0);
    });

    it('refuses a migration by someone who does not own the entity (403)', async () => {
      const res = record(
        await call(DAVE, 'post', '/requests').send({ ...valid, dryRun: false }),
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /may not migrate namespaces of component:default\/productpage/,
      );
    });

    it('refuses a migration of a namespace where the named entity does not run (403)', async () => {
      // Carol owns productpage, which runs in bookinfo: naming it does not let her move nginx.
      const res = record(
        await call(CAROL, 'post', '/requests').send({
          ...valid,
          dryRun: false,
          target: { namespace: 'nginx' },
        }),
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /runs in namespace bookinfo, not nginx/,
      );
    });

    it("refuses a service principal's cutover", async () => {
      const res = record(
        await request(server)
          .post('/api/istio-upgrade/requests')
          // A service principal, as an MCP client's static token is (external:test-service).
          .set('Authorization', mockCredentials.service.header())
          .send({
            type: 'gateway-cutover',
            cluster: target.cluster,
            revision: target.revision,
            target: {
              namespace: 'istio-gateways',
              service: 'istio-ingressgateway',
            },
          }),
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/must be asked by a person/);
    });

    it('refuses self-approval (403), lets another approver approve, and never leaks a token or the CA', async () => {
      const created = record(
        await call(ALICE, 'post', '/requests').send({
          type: 'gateway-cutover',
          cluster: target.cluster,
          revision: target.revision,
          target: {
            namespace: 'istio-gateways',
            service: 'istio-ingressgateway',
          },
          options: { watchWindowSeconds: 1 },
        }),
      );
      expect(created.status).toBe(202);
      const self = record(
        await call(ALICE, 'post', `/requests/${created.body.id}/approve`).send(
          {},
        ),
      );
      expect(self.status).toBe(403);
      expect(self.body.error.message).toMatch(
        /nobody approves or rejects their own request/,
      );
      const byCarol = record(
        await call(CAROL, 'post', `/requests/${created.body.id}/approve`).send(
          {},
        ),
      );
      expect(byCarol.status).toBe(403);
      const byBob = record(
        await call(
          'user:default/bob',
          'post',
          `/requests/${created.body.id}/approve`,
        ).send({}),
      );
      expect(byBob.status).toBe(200);
      const done = await eventually(async () => {
        const res = await call(ALICE, 'get', `/requests/${created.body.id}`);
        return ['succeeded', 'failed', 'rolled-back'].includes(res.body.state)
          ? res
          : undefined;
      });
      record(done);
      expect(done.body.state).toBe('succeeded');
      expect(notified.some(n => n.includes('waits for approval'))).toBe(true);
      expect(notified.some(n => n.includes('succeeded'))).toBe(true);
      record(await call(ALICE, 'get', '/clusters'));
      record(await call(ALICE, 'get', `/clusters/${target.cluster}/inventory`));
      record(await call(ALICE, 'get', '/fleet'));

      const secrets = cluster.secrets;
      const everything = [...answers, ...logged, ...notified, ...audited].join(
        '\n',
      );
      expect(everything.length).toBeGreaterThan(1000);
      for (const secret of secrets) {
        expect(everything).not.toContain(secret);
      }
    });

    it('rolls the cutover back, approved by another user, to the colour that was live', async () => {
      const [cutover] = (
        await call(ALICE, 'get', `/requests?cluster=${target.cluster}`)
      ).body.items.filter(
        (r: any) => r.type === 'gateway-cutover' && r.state === 'succeeded',
      );
      expect(cutover).toBeDefined();
      const rollback = record(
        await call(ALICE, 'post', `/requests/${cutover.id}/rollback`).send({}),
      );
      expect(rollback.status).toBe(202);
      expect(rollback.body).toMatchObject({
        rollbackOf: cutover.id,
        revision: target.liveRevision,
      });
      const approved = await call(
        'user:default/bob',
        'post',
        `/requests/${rollback.body.id}/approve`,
      ).send({});
      expect(approved.status).toBe(200);
      const done = await eventually(async () => {
        const res = await call(ALICE, 'get', `/requests/${rollback.body.id}`);
        return ['succeeded', 'failed', 'rolled-back'].includes(res.body.state)
          ? res
          : undefined;
      });
      expect(done.body.state).toBe('succeeded');
      const svc = JSON.parse(
        await cluster.kubectl([
          'get',
          'svc',
          'istio-ingressgateway',
          '-n',
          'istio-gateways',
          '-o',
          'json',
        ]),
      );
      expect(svc.spec.selector.version).toBe(target.liveRevision);
    });
  });
}
