import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

async function traffic(t: TestSimulator) {
  return (await t.request('GET', '/sim/v1/clusters/seed/traffic')).body;
}

async function resetTraffic(t: TestSimulator) {
  expect(
    (await t.request('POST', '/sim/v1/clusters/seed/traffic/reset')).status,
  ).toBe(200);
}

/** Lets the probe send at least `count` more requests. */
async function probeFor(t: TestSimulator, count: number) {
  const start = (await traffic(t)).sent;
  await t.eventually(async () => (await traffic(t)).sent >= start + count);
  return traffic(t);
}

async function kubectlOk(t: TestSimulator, args: string[]) {
  const result = await t.kubectl(args);
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function moveTag(t: TestSimulator, tag: string, revision: string) {
  const webhook = JSON.parse(
    await kubectlOk(t, [
      'get',
      'mutatingwebhookconfiguration',
      `istio-revision-tag-${tag}`,
      '-o',
      'json',
    ]),
  );
  const ops = [
    { op: 'replace', path: '/metadata/labels/istio.io~1rev', value: revision },
    ...webhook.webhooks.map((_: unknown, i: number) => ({
      op: 'replace',
      path: `/webhooks/${i}/clientConfig/service/name`,
      value: `istiod-${revision}`,
    })),
  ];
  await kubectlOk(t, [
    'patch',
    'mutatingwebhookconfiguration',
    `istio-revision-tag-${tag}`,
    '--type',
    'json',
    '-p',
    JSON.stringify(ops),
  ]);
}

describe('a revision-based canary upgrade, measured by the traffic probe', () => {
  it('relabel, restart, cut over and remove the old control plane with zero failed requests', async () => {
    const t = await startTestSimulator({ speed: 10 });
    try {
      await resetTraffic(t);
      await probeFor(t, 40);
      await kubectlOk(t, [
        'label',
        'ns',
        'bookinfo',
        'istio-injection-',
        'istio.io/rev=1-10-4',
        '--overwrite',
      ]);
      await kubectlOk(t, [
        'label',
        'ns',
        'nginx',
        'istio.io/rev=1-10-4',
        '--overwrite',
      ]);
      await kubectlOk(t, [
        'rollout',
        'restart',
        'deployment',
        '-n',
        'bookinfo',
      ]);
      await kubectlOk(t, ['rollout', 'restart', 'deployment', '-n', 'nginx']);
      for (const name of [
        'productpage-v1',
        'details-v1',
        'reviews-v1',
        'reviews-v2',
        'reviews-v3',
        'ratings-v1',
      ]) {
        await kubectlOk(t, [
          'rollout',
          'status',
          `deployment/${name}`,
          '-n',
          'bookinfo',
          '--timeout=120s',
        ]);
      }
      await kubectlOk(t, [
        'rollout',
        'status',
        'deployment/nginx',
        '-n',
        'nginx',
        '--timeout=120s',
      ]);
      await kubectlOk(t, [
        'rollout',
        'status',
        'deployment/istio-ingressgateway-1-10-4',
        '-n',
        'istio-gateways',
        '--timeout=120s',
      ]);
      await kubectlOk(t, [
        'patch',
        'svc',
        'istio-ingressgateway',
        '-n',
        'istio-gateways',
        '--type',
        'merge',
        '-p',
        '{"spec":{"selector":{"version":"1-10-4"}}}',
      ]);
      await moveTag(t, 'default', '1-10-4');
      await probeFor(t, 40);
      await kubectlOk(t, [
        'delete',
        'deployment',
        'istiod-1-9-7',
        '-n',
        'istio-system',
      ]);
      await kubectlOk(t, [
        'delete',
        'deployment',
        'istio-ingressgateway-1-9-7',
        '-n',
        'istio-gateways',
      ]);
      await kubectlOk(t, [
        'delete',
        'mutatingwebhookconfiguration',
        'istio-sidecar-injector-1-9-7',
      ]);
      const after = await probeFor(t, 100);

      expect(after.failed).toBe(0);
      expect(after.failuresByReason).toEqual({});
      expect(after.sent).toBeGreaterThan(180);
      expect(after.succeeded).toBe(after.sent);

      const revs = await kubectlOk(t, [
        'get',
        'pods',
        '-A',
        '-l',
        'security.istio.io/tlsMode=istio',
        '-o',
        'jsonpath={.items[*].metadata.labels.istio\\.io/rev}',
      ]);
      expect(new Set(revs.split(' '))).toEqual(new Set(['1-10-4']));
    } finally {
      await t.stop();
    }
  });

  it('cutting over to a gateway scaled to zero fails with no-ready-endpoint at the gateway', async () => {
    const t = await startTestSimulator({ speed: 10 });
    try {
      await kubectlOk(t, [
        'scale',
        'deployment',
        'istio-ingressgateway-1-10-4',
        '-n',
        'istio-gateways',
        '--replicas=0',
      ]);
      await t.eventually(
        async () =>
          (
            await kubectlOk(t, [
              'get',
              'pods',
              '-n',
              'istio-gateways',
              '-l',
              'version=1-10-4',
              '-o',
              'name',
            ])
          ).trim() === '',
      );
      await resetTraffic(t);
      await kubectlOk(t, [
        'patch',
        'svc',
        'istio-ingressgateway',
        '-n',
        'istio-gateways',
        '--type',
        'merge',
        '-p',
        '{"spec":{"selector":{"version":"1-10-4"}}}',
      ]);
      const counters = await probeFor(t, 60);
      expect(counters.failed).toBeGreaterThan(0);
      expect(Object.keys(counters.failuresByReason)).toEqual([
        'no-ready-endpoint',
      ]);
      expect(Object.keys(counters.failuresByHop)).toEqual([
        'istio-gateways/istio-ingressgateway',
      ]);
    } finally {
      await t.stop();
    }
  });

  it('deleting istiod-1-9-7 while pods use it detaches their proxies and breaks injection', async () => {
    const t = await startTestSimulator({ speed: 10 });
    try {
      await resetTraffic(t);
      await kubectlOk(t, [
        'delete',
        'deployment',
        'istiod-1-9-7',
        '-n',
        'istio-system',
      ]);
      const counters = await probeFor(t, 60);
      expect(counters.failed).toBeGreaterThan(0);
      expect(Object.keys(counters.failuresByReason)).toEqual([
        'proxy-detached',
      ]);

      await kubectlOk(t, [
        'rollout',
        'restart',
        'deployment/ratings-v1',
        '-n',
        'bookinfo',
      ]);
      const failed = await t.eventually(async () => {
        const sets = JSON.parse(
          await kubectlOk(t, [
            'get',
            'replicasets',
            '-n',
            'bookinfo',
            '-l',
            'app=ratings',
            '-o',
            'json',
          ]),
        ).items;
        return sets.find((rs: any) =>
          (rs.status.conditions ?? []).some(
            (c: any) => c.type === 'ReplicaFailure',
          ),
        );
      });
      const condition = failed.status.conditions.find(
        (c: any) => c.type === 'ReplicaFailure',
      );
      expect(condition.reason).toBe('FailedCreate');
      expect(condition.message).toContain(
        'failed calling webhook "namespace.sidecar-injector.istio.io"',
      );
      const events = JSON.parse(
        await kubectlOk(t, [
          'get',
          'events',
          '-n',
          'bookinfo',
          '--field-selector',
          `involvedObject.name=${failed.metadata.name},reason=FailedCreate`,
          '-o',
          'json',
        ]),
      ).items;
      expect(events[0].type).toBe('Warning');
      expect(events[0].message).toContain(
        'Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io"',
      );
      const status = await t.kubectl([
        'rollout',
        'status',
        'deployment/ratings-v1',
        '-n',
        'bookinfo',
        '--timeout=2s',
      ]);
      expect(status.code).not.toBe(0);
    } finally {
      await t.stop();
    }
  });

  it('names gateway port mismatches, unselected gateways and version skew', async () => {
    const t = await startTestSimulator({ speed: 10 });
    const reasons = async () =>
      Object.keys((await probeFor(t, 40)).failuresByReason);
    try {
      await kubectlOk(t, [
        'patch',
        'svc',
        'istio-ingressgateway',
        '-n',
        'istio-gateways',
        '-p',
        '{"spec":{"ports":[{"port":80,"targetPort":9999}]}}',
      ]);
      await resetTraffic(t);
      expect(await reasons()).toEqual(['gateway-port-mismatch']);

      await kubectlOk(t, [
        'patch',
        'svc',
        'istio-ingressgateway',
        '-n',
        'istio-gateways',
        '-p',
        '{"spec":{"ports":[{"port":80,"targetPort":8080}],"selector":{"version":"1-11-0"}}}',
      ]);
      await resetTraffic(t);
      expect(await reasons()).toEqual(['gateway-not-selected']);

      await kubectlOk(t, [
        'patch',
        'svc',
        'istio-ingressgateway',
        '-n',
        'istio-gateways',
        '--type',
        'merge',
        '-p',
        '{"spec":{"selector":{"version":"1-9-7"}}}',
      ]);
      await resetTraffic(t);
      expect((await probeFor(t, 40)).failed).toBe(0);

      await kubectlOk(t, [
        'set',
        'image',
        'deployment/istiod-1-9-7',
        '-n',
        'istio-system',
        'discovery=docker.io/istio/pilot:1.11.0',
      ]);
      await kubectlOk(t, [
        'rollout',
        'status',
        'deployment/istiod-1-9-7',
        '-n',
        'istio-system',
        '--timeout=60s',
      ]);
      await resetTraffic(t);
      expect(await reasons()).toEqual(['proxy-skew']);
    } finally {
      await t.stop();
    }
  });
});
