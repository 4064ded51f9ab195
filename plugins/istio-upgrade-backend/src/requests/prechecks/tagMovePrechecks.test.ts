import {
  ClusterInventory,
  Precheck,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  clusterInventory,
  controlPlane,
  gatewayApiGateway,
  revisionTag,
} from '../planning/__testUtils__/inventoryFixtures';
import { WebhookConfigurationObject } from '../planning/tagWebhooks';
import { TagMoveFacts, tagMovePrechecks } from './tagMovePrechecks';

const inventory = (extra: Partial<ClusterInventory> = {}) =>
  clusterInventory({
    controlPlanes: [
      controlPlane('1-28-3', '1.28.3'),
      controlPlane('1-29-1', '1.29.1'),
    ],
    tags: [
      revisionTag('stable', '1-28-3', ['bookinfo', 'nginx']),
      revisionTag('canary', '1-29-1'),
    ],
    ...extra,
  });

const injector: WebhookConfigurationObject = {
  metadata: {
    name: 'istio-sidecar-injector-1-29-1',
    labels: { 'istio.io/rev': '1-29-1' },
  },
  webhooks: [
    {
      name: 'rev.namespace.sidecar-injector.istio.io',
      clientConfig: {
        service: {
          name: 'istiod-1-29-1',
          namespace: 'istio-system',
          path: '/inject',
        },
      },
    },
  ],
};

const facts = (extra: Partial<TagMoveFacts> = {}): TagMoveFacts => ({
  inventory: inventory(),
  tag: 'stable',
  revision: '1-29-1',
  webhookObject: { metadata: { labels: { 'istio.io/tag': 'stable' } } },
  injector,
  ...extra,
});

const check = (checks: Precheck[], id: string) => checks.find(c => c.id === id);

describe('the prechecks of a tag move', () => {
  it('pass, in a fixed order, for a tag moving to a ready revision with an injector', () => {
    const checks = tagMovePrechecks(facts());
    expect(checks.map(c => `${c.id} ${c.status}`)).toEqual([
      'tag-exists pass',
      'cluster-synced pass',
      'target-exists pass',
      'target-ready pass',
      'target-injector pass',
      'target-webhook pass',
      'tag-namespaces pass',
      'gitops-ownership pass',
    ]);
    expect(checks.map(c => c.message)).toEqual(
      expect.arrayContaining([
        'Tag stable points at 1-28-3',
        "The tag will call 1-29-1's injector at service istio-system/istiod-1-29-1/inject",
        'New pods in bookinfo, nginx will get 1-29-1',
      ]),
    );
  });

  it('stop at a tag missing from the inventory or from the cluster', () => {
    const missing = {
      id: 'tag-exists',
      status: 'fail',
      message: 'Revision tag prod does not exist in cluster c1',
    };
    expect(tagMovePrechecks(facts({ tag: 'prod' }))).toEqual([missing]);
    expect(
      tagMovePrechecks(facts({ tag: 'prod', webhookObject: undefined })),
    ).toEqual([missing]);
    expect(
      tagMovePrechecks(facts({ webhookObject: undefined }))[0].status,
    ).toBe('fail');
  });

  it('stop when the target is itself a tag: a tag points at a revision', () => {
    const checks = tagMovePrechecks(facts({ revision: 'canary' }));
    expect(checks.map(c => c.id)).toEqual([
      'tag-exists',
      'cluster-synced',
      'target-exists',
    ]);
    expect(checks[2]).toEqual({
      id: 'target-exists',
      status: 'fail',
      message: 'canary is a tag; point a tag at a revision',
    });
  });

  it('fail a revision whose control plane is missing, or which has no injector configuration to copy', () => {
    expect(
      check(tagMovePrechecks(facts({ revision: '1-30-1' })), 'target-exists'),
    ).toEqual({
      id: 'target-exists',
      status: 'fail',
      message: 'No control plane of revision 1-30-1 in cluster c1',
    });
    expect(
      check(tagMovePrechecks(facts({ injector: undefined })), 'target-webhook'),
    ).toEqual({
      id: 'target-webhook',
      status: 'fail',
      message:
        'Revision 1-29-1 has no injector webhook configuration to point the tag at',
    });
  });

  it('fail a move to where the tag already points', () => {
    const checks = tagMovePrechecks(facts({ tag: 'canary' }));
    expect(check(checks, 'nothing-to-do')).toEqual({
      id: 'nothing-to-do',
      status: 'fail',
      message: 'Tag canary already points at 1-29-1',
    });
    expect(check(checks, 'tag-namespaces')?.message).toBe(
      'No namespace uses the tag',
    );
  });

  it('fail on an inventory that is not complete', () => {
    const syncing = inventory();
    syncing.cluster.sync = { state: 'syncing', complete: false };
    expect(
      check(tagMovePrechecks(facts({ inventory: syncing })), 'cluster-synced')
        ?.status,
    ).toBe('fail');
  });

  it('warn about the Gateway API gateways the move redeploys at once', () => {
    const checks = tagMovePrechecks(
      facts({
        inventory: inventory({
          gatewayApiGateways: [
            gatewayApiGateway('ingress', 'web', '1-28-3', {
              revisionLabel: 'stable',
            }),
            gatewayApiGateway('edge', 'api', '1-28-3', {
              revisionLabel: 'stable',
            }),
            gatewayApiGateway('edge', 'pinned', '1-28-3'),
          ],
        }),
      }),
    );
    expect(check(checks, 'gateway-api-restarts')).toEqual({
      id: 'gateway-api-restarts',
      status: 'warn',
      message:
        'istiod of 1-29-1 will redeploy the Gateway API gateways that name stable at once: ingress/web, edge/api',
    });
  });

  it("fail when a GitOps controller manages the tag webhook's label or webhooks", () => {
    const managed = (fieldsV1: object) =>
      check(
        tagMovePrechecks(
          facts({
            webhookObject: {
              metadata: {
                managedFields: [{ manager: 'argocd-controller', fieldsV1 }],
              },
            },
          }),
        ),
        'gitops-ownership',
      );
    expect(managed({ 'f:webhooks': {} })).toEqual({
      id: 'gitops-ownership',
      status: 'fail',
      message:
        "The tag's webhook would be reverted: Argo CD manages these fields; change it in Git",
    });
    expect(
      managed({ 'f:metadata': { 'f:labels': { 'f:istio.io/rev': {} } } })
        ?.status,
    ).toBe('fail');
    expect(
      managed({ 'f:metadata': { 'f:annotations': { 'f:note': {} } } }),
    ).toEqual({
      id: 'gitops-ownership',
      status: 'pass',
      message: 'No GitOps controller manages the tag webhook',
    });
  });
});
