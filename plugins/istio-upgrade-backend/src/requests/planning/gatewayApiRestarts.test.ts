import {
  gatewaysRestartedByTagMove,
  tagMoveGatewayWarnings,
} from './gatewayApiRestarts';
import {
  clusterInventory,
  gatewayApiGateway,
} from './__testUtils__/inventoryFixtures';

const inventory = clusterInventory({
  gatewayApiGateways: [
    gatewayApiGateway('ingress', 'web', '1-29-1', {
      revisionLabel: 'stable',
      tag: 'stable',
      podsByRevision: [{ revision: '1-29-1', count: 2 }],
    }),
    gatewayApiGateway('ingress', 'api', '1-29-1', {
      revisionLabel: undefined,
    }),
    gatewayApiGateway('edge', 'pinned', '1-29-1'),
    gatewayApiGateway('edge', 'canary', '1-30-1', {
      revisionLabel: 'canary',
      tag: 'canary',
      podsByRevision: [
        { revision: '1-29-1', count: 1 },
        { revision: '1-30-1', count: 2 },
      ],
    }),
  ],
});

const names = (tag: string) =>
  gatewaysRestartedByTagMove(inventory, tag).map(
    g => `${g.namespace}/${g.name}`,
  );

describe('the Gateway API gateways a tag move restarts', () => {
  it('are those labelled with the tag, and for the default tag those with no label', () => {
    expect(names('stable')).toEqual(['ingress/web']);
    expect(names('default')).toEqual(['ingress/api']);
    expect(names('canary')).toEqual(['edge/canary']);
  });

  it('never include a gateway pinned to a revision, nor any when the inventory has none', () => {
    expect(names('1-29-1')).toEqual(['edge/pinned']);
    expect(names('prod')).toEqual([]);
    expect(gatewaysRestartedByTagMove(clusterInventory(), 'default')).toEqual(
      [],
    );
  });
});

describe("the tag move plan's warning about them", () => {
  it('is absent when no gateway names the tag', () => {
    expect(tagMoveGatewayWarnings(inventory, 'prod', '1-30-1')).toEqual({});
  });

  it("names each gateway with its pods, counted over every revision, in the inventory's order", () => {
    expect(tagMoveGatewayWarnings(inventory, 'stable', '1-30-1')).toEqual({
      warnings: [
        'Moving tag stable restarts 1 Gateway API gateway at once, before any wave: istiod of 1-30-1 redeploys ingress/web (2 pods)',
      ],
    });
    expect(
      tagMoveGatewayWarnings(inventory, 'canary', '1-31-0').warnings,
    ).toEqual([
      'Moving tag canary restarts 1 Gateway API gateway at once, before any wave: istiod of 1-31-0 redeploys edge/canary (3 pods)',
    ]);
  });

  it('counts gateways and pods in the plural', () => {
    const two = clusterInventory({
      gatewayApiGateways: [
        gatewayApiGateway('a', 'one', '1-29-1', { revisionLabel: undefined }),
        gatewayApiGateway('b', 'two', '1-29-1', {
          revisionLabel: 'default',
          podsByRevision: [],
        }),
      ],
    });
    expect(tagMoveGatewayWarnings(two, 'default', '1-30-1').warnings).toEqual([
      'Moving tag default restarts 2 Gateway API gateways at once, before any wave: istiod of 1-30-1 redeploys a/one (1 pod), b/two (0 pods)',
    ]);
  });
});
