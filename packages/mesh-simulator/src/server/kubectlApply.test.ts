import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(180000);

/**
 * kubectl's manifest commands with their default validation (`--validate=strict`): kubectl reads
 * `/openapi/v3` to learn that the server validates fields itself (`fieldValidation` on PATCH), and
 * computes `kubectl apply`'s strategic merge patch from the kinds' schemas there. Run with every
 * kubectl at hand: `$KUBECTL` (or the one on the PATH) and the Kubernetes 1.34 kubectl of the
 * real-cluster tier's cache (or `$KUBECTL_1_34`).
 */
const realTierKubectl =
  process.env.KUBECTL_1_34 ??
  `${process.env.HOME}/.cache/istio-upgrade/real-cluster/kubernetes-1.34.12/bin/kubectl`;
const kubectls: Array<[string, string]> = [
  ['default kubectl', process.env.KUBECTL ?? 'kubectl'],
  ...(existsSync(realTierKubectl)
    ? [['kubectl 1.34', realTierKubectl] as [string, string]]
    : []),
];

function manifests(namespace: string, image: string, labels: string) {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
  labels:
    team: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
  labels: {${labels}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}
          ports:
            - containerPort: 8080
        - name: log-tailer
          image: docker.io/library/busybox:1.36
          args: [tail, -f, /dev/null]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${namespace}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
`;
}

describe.each(kubectls)('%s against the simulator', (_name, binary) => {
  let t: TestSimulator;
  const ns = `apply-${binary === realTierKubectl ? '134' : 'default'}`;
  const kubectl = (args: string[]) => t.kubectl(args, { binary });
  const file = (name: string, text: string) => {
    const path = join(t.stateDir, `${ns}-${name}`);
    writeFileSync(path, text);
    return path;
  };
  const deployment = async (name = 'web', namespace = ns) =>
    JSON.parse(
      (
        await kubectl([
          'get',
          'deployment',
          name,
          '-n',
          namespace,
          '-o',
          'json',
        ])
      ).stdout,
    );

  beforeAll(async () => {
    t = await startTestSimulator({ speed: 20 });
  });

  afterAll(async () => {
    await t.stop();
  });

  it('applies a Namespace, a Deployment and a Service, reading /openapi/v3 and not /openapi/v2', async () => {
    await t.request('POST', '/sim/v1/clusters/seed/stats/reset');
    const first = await kubectl([
      'apply',
      '-f',
      file(
        'v1.yaml',
        manifests(
          ns,
          'registry.example.com/web:1.0.0',
          'app: web, tier: frontend',
        ),
      ),
    ]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([
      `namespace/${ns} created`,
      'deployment.apps/web created',
      'service/web created',
    ]);
    const stats = (await t.request('GET', '/sim/v1/clusters/seed/stats')).body;
    const fetched = Object.keys(stats.byResource).filter(r =>
      r.startsWith('discovery:/openapi'),
    );
    expect(fetched).toEqual(
      expect.arrayContaining([
        'discovery:/openapi/v3',
        'discovery:/openapi/v3/api/v1',
        'discovery:/openapi/v3/apis/apps/v1',
      ]),
    );
    expect(fetched.some(r => r.startsWith('discovery:/openapi/v2'))).toBe(
      false,
    );
    expect(stats.byVerbAndResource['create deployments.apps']).toBe(1);
    const created = await deployment();
    expect(created.metadata.labels).toEqual({ app: 'web', tier: 'frontend' });
    expect(
      JSON.parse(
        created.metadata.annotations[
          'kubectl.kubernetes.io/last-applied-configuration'
        ],
      ).spec.template.spec.containers[0].image,
    ).toBe('registry.example.com/web:1.0.0');
  });

  it('re-applies a changed image and a removed label as a three-way strategic merge', async () => {
    const before = await deployment();
    const second = await kubectl([
      'apply',
      '-f',
      file(
        'v2.yaml',
        manifests(ns, 'registry.example.com/web:1.1.0', 'app: web'),
      ),
      '-v=6',
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('deployment.apps/web configured');
    expect(second.stdout).toContain(`namespace/${ns} unchanged`);
    expect(second.stdout).toContain('service/web unchanged');
    // The patch was computed from the served schemas (no fallback warning), sent as a strategic
    // merge patch with strict server-side validation.
    expect(second.stderr).not.toMatch(/error calculating patch|warning:/i);
    expect(second.stderr).toMatch(
      /PATCH.*\/apis\/apps\/v1\/namespaces\/[a-z0-9-]+\/deployments\/web\?fieldManager=kubectl-client-side-apply&fieldValidation=Strict/,
    );
    const after = await deployment();
    expect(after.metadata.labels).toEqual({ app: 'web' });
    expect(
      after.spec.template.spec.containers.map((c: any) => [c.name, c.image]),
    ).toEqual([
      ['web', 'registry.example.com/web:1.1.0'],
      ['log-tailer', 'docker.io/library/busybox:1.36'],
    ]);
    // The containers were merged by name: the server-defaulted fields of both stayed.
    expect(after.spec.template.spec.containers[1]).toMatchObject({
      args: ['tail', '-f', '/dev/null'],
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
    });
    expect(after.spec.template.spec.containers[0].ports).toEqual([
      { containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    const rollout = await kubectl([
      'rollout',
      'status',
      'deployment/web',
      '-n',
      ns,
      '--timeout=60s',
    ]);
    expect(rollout.stdout).toContain('successfully rolled out');
  });

  it('replaces and creates from manifests with default validation', async () => {
    const current = await deployment();
    current.spec.replicas = 3;
    current.metadata.labels.owner = 'team-web';
    const replaced = await kubectl([
      'replace',
      '-f',
      file('replace.json', JSON.stringify(current)),
    ]);
    expect(replaced.stderr).toBe('');
    expect(replaced.stdout.trim()).toBe('deployment.apps/web replaced');
    expect((await deployment()).spec.replicas).toBe(3);
    expect((await deployment()).metadata.labels.owner).toBe('team-web');

    const other = manifests(
      `${ns}-b`,
      'registry.example.com/web:2.0.0',
      'app: web',
    );
    const created = await kubectl(['create', '-f', file('create.yaml', other)]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim().split('\n')).toEqual([
      `namespace/${ns}-b created`,
      'deployment.apps/web created',
      'service/web created',
    ]);
    const again = await kubectl(['create', '-f', file('create.yaml', other)]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(
      `Error from server (AlreadyExists): error when creating "${join(
        t.stateDir,
        `${ns}-create.yaml`,
      )}": namespaces "${ns}-b" already exists`,
    );
  });

  it('refuses a manifest with unknown fields as a real API server does, warns with --validate=warn', async () => {
    const bad = file(
      'bad.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
          imagePullPolicyy: Always
      nodeSelecter: {disk: ssd}
`,
    );
    const strict = await kubectl(['apply', '-f', bad]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr.trim()).toBe(
      `Error from server (BadRequest): error when creating "${bad}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy", unknown field "spec.template.spec.nodeSelecter"`,
    );
    const created = await kubectl(['create', '-f', bad]);
    expect(created.code).not.toBe(0);
    expect(created.stderr).toContain('strict decoding error');

    const warned = await kubectl([
      'create',
      '-f',
      bad,
      '--validate=warn',
      '--dry-run=server',
    ]);
    expect(warned.code).toBe(0);
    expect(warned.stderr.trim().split('\n')).toEqual([
      'Warning: unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
      'Warning: unknown field "spec.template.spec.nodeSelecter"',
    ]);
    expect(warned.stdout.trim()).toBe(
      'deployment.apps/typo created (server dry run)',
    );

    const ignored = await kubectl(['apply', '-f', bad, '--validate=false']);
    expect(ignored.stderr).toBe('');
    expect(ignored.code).toBe(0);
    const stored = await deployment('typo');
    expect(stored.spec.template.spec.nodeSelecter).toBeUndefined();
    expect(
      stored.spec.template.spec.containers[0].imagePullPolicyy,
    ).toBeUndefined();
  });
});
