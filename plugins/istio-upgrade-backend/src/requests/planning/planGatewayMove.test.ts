import { InputError } from '@backstage/errors';
import { findGatewayApiGateway, planGatewayMove } from './planGatewayMove';
import {
  clusterInventory,
  gatewayApiGateway,
} from './__testUtils__/inventoryFixtures';

const inventory = clusterInventory({
  gatewayApiGateways: [
    gatewayApiGateway('ingress', 'web', '1-29-1', {
      podsByRevision: [
        { revision: '1-29-1', count: 2 },
        { revision: '1-28-3', count: 1 },
      ],
    }),
    gatewayApiGateway('edge', 'api', '1-29-1', {
      revision: undefined,
      revisionLabel: undefined,
    }),
  ],
});

const input = { namespace: 'ingress', gateway: 'web', revision: '1-30-1' };

describe('finding the Gateway API gateway a move relabels', () => {
  it('matches namespace and name together', () => {
    expect(findGatewayApiGateway(inventory, 'ingress', 'web')?.name).toBe(
      'web',
    );
    expect(findGatewayApiGateway(inventory, 'edge', 'web')).toBeUndefined();
    expect(
      findGatewayApiGateway(clusterInventory(), 'ingress', 'web'),
    ).toBeUndefined();
  });
});

describe('the plan of a gateway move', () => {
  it("is one merge patch of the Gateway's istio.io/rev label, conditional on its resourceVersion", () => {
    const plan = planGatewayMove(inventory, input, {
      labels: { 'istio.io/rev': '1-29-1', app: 'web' },
      resourceVersion: '12',
    });
    expect(plan.patches).toEqual([
      {
        step: 'relabel-gateway',
        kind: 'Gateway',
        namespace: 'ingress',
        name: 'web',
        patchType: 'merge',
        patch: {
          metadata: {
            resourceVersion: '12',
            labels: { 'istio.io/rev': '1-30-1' },
          },
        },
        precondition: '12',
      },
    ]);
    expect(plan.waves).toEqual([]);
    expect(plan.fromRevision).toBe('1-29-1');
    expect(plan.toRevision).toBe('1-30-1');
  });

  it('counts the pods of every revision the gateway runs, and says istiod redeploys it', () => {
    const plan = planGatewayMove(inventory, input, {
      labels: { 'istio.io/rev': '1-29-1' },
      resourceVersion: '12',
    });
    expect(plan.podsInScope).toBe(3);
    expect(plan.summary).toBe(
      'Move Gateway API gateway ingress/web from 1-29-1 to 1-30-1: istiod of 1-30-1 redeploys web-istio (3 pods, by a rolling update)',
    );
  });

  it('rolls back by putting the label back as it was, or removing it when there was none', () => {
    const labelled = planGatewayMove(inventory, input, {
      labels: { 'istio.io/rev': 'stable' },
      resourceVersion: '12',
    });
    expect(labelled.rollbackPatches).toEqual([
      {
        step: 'relabel-gateway',
        kind: 'Gateway',
        namespace: 'ingress',
        name: 'web',
        patchType: 'merge',
        patch: { metadata: { labels: { 'istio.io/rev': 'stable' } } },
      },
    ]);
    const unlabelled = planGatewayMove(
      inventory,
      { namespace: 'edge', gateway: 'api', revision: 'stable' },
      { labels: {} },
    );
    expect(unlabelled.rollbackPatches![0].patch).toEqual({
      metadata: { labels: { 'istio.io/rev': null } },
    });
  });

  it('makes the write unconditional when the resourceVersion is unknown, and reports a gateway with no revision', () => {
    const plan = planGatewayMove(
      inventory,
      { namespace: 'edge', gateway: 'api', revision: 'stable' },
      { labels: {} },
    );
    expect(plan.patches[0]).not.toHaveProperty('precondition');
    expect(plan.patches[0].patch).toEqual({
      metadata: { resourceVersion: '', labels: { 'istio.io/rev': 'stable' } },
    });
    expect(plan).not.toHaveProperty('fromRevision');
    expect(plan.summary).toBe(
      'Move Gateway API gateway edge/api from no revision to stable: istiod of stable redeploys api-istio (1 pod, by a rolling update)',
    );
  });

  it('refuses a gateway the inventory does not list', () => {
    expect(() =>
      planGatewayMove(
        inventory,
        { ...input, gateway: 'missing' },
        { labels: {} },
      ),
    ).toThrow(
      new InputError(
        'ingress/missing is not a Gateway API gateway of class istio in cluster c1',
      ),
    );
  });
});
