import type { Workload } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { buildGatewayApiGateways } from './buildGatewayApiGateways';
import { projectGatewayApiGateway } from './projectGatewayApiGateway';

const gateway = (
  name: string,
  labels: Record<string, string> = {},
  gatewayClassName = 'istio',
) =>
  projectGatewayApiGateway({
    kind: 'Gateway',
    metadata: { namespace: 'ingress', name, labels, resourceVersion: '7' },
    spec: { gatewayClassName },
    status: { conditions: [{ type: 'Programmed', status: 'True' }] },
  });

const deployment = (name: string, revisions: Record<string, number>) =>
  ({
    kind: 'Deployment',
    namespace: 'ingress',
    name,
    labels: {},
    podLabels: {},
    replicas: 2,
    readyReplicas: 2,
    pods: 2,
    podsByRevision: Object.entries(revisions).map(([revision, count]) => ({
      revision,
      count,
    })),
    podsNeedingRestart: 0,
  } as Workload);

describe('Gateway API gateways in the inventory', () => {
  it('keeps the Gateways of class istio only, with their label and Programmed condition', () => {
    expect(gateway('web', { 'istio.io/rev': '1-29-1' })).toEqual({
      namespace: 'ingress',
      name: 'web',
      gatewayClassName: 'istio',
      revisionLabel: '1-29-1',
      programmed: true,
      resourceVersion: '7',
    });
    expect(gateway('other', {}, 'cilium')).toBeUndefined();
  });

  it('resolves the revision through the tag the label names, or the default tag without a label', () => {
    const tags = new Map([
      ['stable', '1-29-1'],
      ['default', '1-30-1'],
    ]);
    const result = buildGatewayApiGateways(
      [
        gateway('web', { 'istio.io/rev': '1-29-1' })!,
        gateway('api', { 'istio.io/rev': 'stable' })!,
        gateway('plain')!,
        gateway('gone', { 'istio.io/rev': '1-29-1' })!,
      ],
      {
        tags,
        workloads: [
          deployment('web-istio', { '1-29-1': 1, '1-30-1': 1 }),
          deployment('api-istio', { '1-29-1': 2 }),
          deployment('plain-istio', { '1-30-1': 2 }),
        ],
      },
    );
    expect(
      result.map(g => [
        g.name,
        g.tag,
        g.revision,
        g.deployed,
        g.podsByRevision,
      ]),
    ).toEqual([
      ['api', 'stable', '1-29-1', true, [{ revision: '1-29-1', count: 2 }]],
      ['gone', undefined, '1-29-1', false, []],
      ['plain', undefined, '1-30-1', true, [{ revision: '1-30-1', count: 2 }]],
      [
        'web',
        undefined,
        '1-29-1',
        true,
        [
          { revision: '1-29-1', count: 1 },
          { revision: '1-30-1', count: 1 },
        ],
      ],
    ]);
    expect(result.find(g => g.name === 'gone')).toMatchObject({
      deployment: 'gone-istio',
      replicas: 0,
      readyReplicas: 0,
    });
  });

  it('takes the revisionless default when there is no default tag', () => {
    const [plain] = buildGatewayApiGateways([gateway('plain')!], {
      tags: new Map(),
      workloads: [],
    });
    expect(plain.revision).toBe('default');
    expect(plain.revisionLabel).toBeUndefined();
  });
});
