import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

const bookinfoDeployments = [
  'details-v1',
  'productpage-v1',
  'ratings-v1',
  'reviews-v1',
  'reviews-v2',
  'reviews-v3',
];

describe('kubectl against the seed scenario', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({ speed: 20 });
  });

  afterAll(async () => {
    await t.stop();
  });

  it('gets namespaces with labels and pods across namespaces', async () => {
    const ns = await t.kubectl(['get', 'ns', '--show-labels']);
    expect(ns.code).toBe(0);
    expect(ns.stdout).toMatch(
      /bookinfo\s+Active\s+\S+\s+istio-injection=enabled/,
    );
    expect(ns.stdout).toMatch(/nginx\s+Active\s+\S+\s+istio.io\/rev=1-9-7/);

    const table = await t.kubectl(['get', 'pods', '-A']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /bookinfo\s+productpage-v1-\S+\s+2\/2\s+Running/,
    );

    const all = await t.kubectl(['get', 'pods', '-A', '-o', 'json']);
    const list = JSON.parse(all.stdout);
    expect(list.items).toHaveLength(13);
    expect(
      list.items.every(
        (p: any) => p.kind === 'Pod' && p.status.phase === 'Running',
      ),
    ).toBe(true);

    const reviews = await t.kubectl([
      'get',
      'pods',
      '-n',
      'bookinfo',
      '-l',
      'app=reviews,version in (v2,v3)',
      '-o',
      'name',
    ]);
    expect(reviews.stdout.trim().split('\n')).toHaveLength(2);

    const revs = await t.kubectl([
      'get',
      'pods',
      '-n',
      'bookinfo',
      '-o',
      // Istio 1.9 and 1.10 mark an injected pod's revision with the label istio.io/rev.
      'jsonpath={.items[*].metadata.labels.istio\\.io/rev}',
    ]);
    expect(revs.stdout.split(' ')).toEqual(Array(6).fill('1-9-7'));
  });

  it('migrates bookinfo to 1-10-4 by relabel, rollout restart and rollout status', async () => {
    const label = await t.kubectl([
      'label',
      'ns',
      'bookinfo',
      'istio-injection-',
      'istio.io/rev=1-10-4',
      '--overwrite',
    ]);
    expect(label.code).toBe(0);
    const labels = JSON.parse(
      (await t.kubectl(['get', 'ns', 'bookinfo', '-o', 'json'])).stdout,
    ).metadata.labels;
    expect(labels['istio-injection']).toBeUndefined();
    expect(labels['istio.io/rev']).toBe('1-10-4');

    const restart = await t.kubectl([
      'rollout',
      'restart',
      'deployment',
      '-n',
      'bookinfo',
    ]);
    expect(restart.code).toBe(0);
    expect(restart.stdout.match(/restarted/g)).toHaveLength(6);

    for (const name of bookinfoDeployments) {
      const status = await t.kubectl([
        'rollout',
        'status',
        `deployment/${name}`,
        '-n',
        'bookinfo',
        '--timeout=120s',
      ]);
      expect(status.stderr).toBe('');
      expect(status.stdout).toContain('successfully rolled out');
    }

    const pods = await t.eventually(async () => {
      const list = JSON.parse(
        (await t.kubectl(['get', 'pods', '-n', 'bookinfo', '-o', 'json']))
          .stdout,
      ).items;
      return list.length === 6 && list;
    });
    for (const pod of pods) {
      expect(pod.metadata.labels['istio.io/rev']).toBe('1-10-4');
      expect(
        JSON.parse(pod.metadata.annotations['sidecar.istio.io/status'])
          .revision,
      ).toBe('1-10-4');
      const proxy = pod.spec.containers.find(
        (c: any) => c.name === 'istio-proxy',
      );
      expect(proxy.image).toBe('docker.io/istio/proxyv2:1.10.4');
    }
  });

  it('cuts the LoadBalancer Service over with a merge patch and endpoints follow', async () => {
    const patch = await t.kubectl([
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
    expect(patch.code).toBe(0);
    const greenIPs = JSON.parse(
      (
        await t.kubectl([
          'get',
          'pods',
          '-n',
          'istio-gateways',
          '-l',
          'version=1-10-4',
          '-o',
          'json',
        ])
      ).stdout,
    )
      .items.map((p: any) => p.status.podIP)
      .sort();
    expect(greenIPs).toHaveLength(2);
    await t.eventually(async () => {
      const ep = JSON.parse(
        (
          await t.kubectl([
            'get',
            'endpoints',
            'istio-ingressgateway',
            '-n',
            'istio-gateways',
            '-o',
            'json',
          ])
        ).stdout,
      );
      const ips = (ep.subsets?.[0]?.addresses ?? [])
        .map((a: any) => a.ip)
        .sort();
      return JSON.stringify(ips) === JSON.stringify(greenIPs);
    });
    const slices = JSON.parse(
      (
        await t.kubectl([
          'get',
          'endpointslices',
          '-n',
          'istio-gateways',
          '-l',
          'kubernetes.io/service-name=istio-ingressgateway',
          '-o',
          'json',
        ])
      ).stdout,
    );
    expect(
      slices.items[0].endpoints.map((e: any) => e.addresses[0]).sort(),
    ).toEqual(greenIPs);
  });

  it('scales and waits for the Available condition', async () => {
    const scale = await t.kubectl([
      'scale',
      'deployment',
      'productpage-v1',
      '-n',
      'bookinfo',
      '--replicas=3',
    ]);
    expect(scale.code).toBe(0);
    const wait = await t.kubectl([
      'wait',
      '--for=condition=Available',
      'deployment/productpage-v1',
      '-n',
      'bookinfo',
      '--timeout=60s',
    ]);
    expect(wait.code).toBe(0);
    await t.eventually(async () => {
      const d = JSON.parse(
        (
          await t.kubectl([
            'get',
            'deployment',
            'productpage-v1',
            '-n',
            'bookinfo',
            '-o',
            'json',
          ])
        ).stdout,
      );
      return d.status.readyReplicas === 3 && d.status.availableReplicas === 3;
    });
  });

  it('streams changes with get -w and replaces a deleted pod', async () => {
    const before = (
      await t.kubectl(['get', 'pods', '-n', 'nginx', '-o', 'name'])
    ).stdout.trim();
    expect(before).toMatch(/^pod\/nginx-/);
    const watcher = t.kubectlStream([
      'get',
      'pods',
      '-n',
      'nginx',
      '-w',
      '-o',
      'name',
    ]);
    let streamed = '';
    watcher.stdout!.on('data', chunk => {
      streamed += chunk.toString();
    });
    try {
      await t.eventually(() => streamed.includes(before));
      const del = await t.kubectl([
        'delete',
        'pod',
        '-n',
        'nginx',
        before.slice('pod/'.length),
      ]);
      expect(del.code).toBe(0);
      const replacement = await t.eventually(async () => {
        const now = (
          await t.kubectl(['get', 'pods', '-n', 'nginx', '-o', 'name'])
        ).stdout.trim();
        return now && now !== before && !now.includes('\n') && now;
      });
      await t.eventually(() => streamed.includes(replacement));
    } finally {
      watcher.kill();
    }
  });

  it('answers a stale update with 409 Conflict', async () => {
    const file = join(t.stateDir, 'details.json');
    writeFileSync(
      file,
      (
        await t.kubectl([
          'get',
          'deployment',
          'details-v1',
          '-n',
          'bookinfo',
          '-o',
          'json',
        ])
      ).stdout,
    );
    expect(
      (
        await t.kubectl([
          'label',
          'deployment',
          'details-v1',
          '-n',
          'bookinfo',
          'touched=yes',
        ])
      ).code,
    ).toBe(0);
    const stale = JSON.parse(readFileSync(file, 'utf8'));
    stale.metadata.labels.owner = 'someone';
    writeFileSync(file, JSON.stringify(stale));
    const replace = await t.kubectl([
      'replace',
      '--validate=false',
      '-f',
      file,
    ]);
    expect(replace.code).not.toBe(0);
    expect(replace.stderr).toContain(
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  });
});
