import { ClusterInventory } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { gatewayMovePrechecks } from './gatewayMovePrechecks';

const controlPlane = (revision: string, readyReplicas: number) => ({
  revision,
  version: '1.30.1',
  ready: readyReplicas > 0,
  readyReplicas,
  replicas: 1,
  hasInjector: true,
});

const inventory = (readyReplicas = 1) =>
  ({
    cluster: {
      name: 'gwapi',
      sync: { state: 'synced', complete: true },
    },
    controlPlanes: [
      controlPlane('1-29-1', 1),
      controlPlane('1-30-1', readyReplicas),
    ],
    tags: [{ name: 'stable', revision: '1-30-1' }],
    gatewayApiGateways: [
      {
        namespace: 'ingress',
        name: 'web',
        gatewayClassName: 'istio',
        revisionLabel: '1-29-1',
        revision: '1-29-1',
        deployment: 'web-istio',
        deployed: true,
        replicas: 1,
        readyReplicas: 1,
        podsByRevision: [{ revision: '1-29-1', count: 1 }],
        programmed: true,
      },
    ],
  } as unknown as ClusterInventory);

const web = (
  labels: Record<string, string> = { 'istio.io/rev': '1-29-1' },
) => ({
  metadata: { labels },
  spec: { gatewayClassName: 'istio' },
});

const run = (
  overrides: Partial<Parameters<typeof gatewayMovePrechecks>[0]> = {},
) =>
  gatewayMovePrechecks({
    inventory: inventory(),
    namespace: 'ingress',
    gateway: 'web',
    revision: '1-30-1',
    protectedNamespaces: ['istio-system'],
    gatewayObject: web(),
    ...overrides,
  });

const statusOf = (checks: ReturnType<typeof run>) =>
  Object.fromEntries(checks.map(c => [c.id, c.status]));

describe('the prechecks of a gateway move', () => {
  it('pass for a Gateway of class istio moving to a ready revision, or to a tag pointing at one', () => {
    expect(run().every(c => c.status === 'pass')).toBe(true);
    expect(run({ revision: 'stable' }).every(c => c.status === 'pass')).toBe(
      true,
    );
  });

  it('fail when the Gateway does not exist, or istiod does not deploy it', () => {
    expect(statusOf(run({ gatewayObject: undefined }))).toMatchObject({
      'gateway-exists': 'fail',
    });
    const other = run({
      gateway: 'other',
      gatewayObject: { spec: { gatewayClassName: 'cilium' } },
    });
    expect(other.find(c => c.id === 'gateway-exists')?.message).toMatch(
      /class cilium, not istio/,
    );
  });

  it('fail when the target revision is missing or not ready', () => {
    expect(statusOf(run({ revision: '1-31-0' }))).toMatchObject({
      'target-exists': 'fail',
    });
    expect(statusOf(run({ inventory: inventory(0) }))).toMatchObject({
      'target-ready': 'fail',
    });
  });

  it('fail when the Gateway is already labelled so, in a protected namespace, or its label is GitOps-managed', () => {
    expect(
      statusOf(run({ gatewayObject: web({ 'istio.io/rev': '1-30-1' }) })),
    ).toMatchObject({ 'nothing-to-do': 'fail' });
    expect(
      statusOf(run({ namespace: 'istio-system', gateway: 'web' })),
    ).toEqual({ 'namespace-protected': 'fail' });
    expect(
      statusOf(
        run({
          gatewayObject: {
            ...web(),
            metadata: {
              labels: { 'istio.io/rev': '1-29-1' },
              annotations: { 'argocd.argoproj.io/tracking-id': 'ingress:web' },
            },
          },
        }),
      ),
    ).toMatchObject({ 'gitops-ownership': 'fail' });
  });
});
