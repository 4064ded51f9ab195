/* eslint-disable jest/no-export -- a suite shared by the simulator and real-cluster tiers, which call it */
import { mockCredentials } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually } from './inventoryTestBackend';
import {
  ALICE,
  CAROL,
  DAVE,
  startRequestInputBackend,
} from './requestInputBackend';
import { hostileBodies } from './requestInputCases';

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
      const backend = await startRequestInputBackend(target, cluster.setup, {
        logged,
        notified,
        audited,
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

    const hostile = hostileBodies(valid);

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
