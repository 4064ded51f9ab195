import { InputError } from '@backstage/errors';
import type { TagMoveObjects } from '../tagMoveObjects';
import { planTagMove, TagMoveInput } from './planTagMove';
import { restartPatch, RESTART_STAMP_PLACEHOLDER } from './restartPatch';
import { ServiceObject, WebhookConfigurationObject } from './tagWebhooks';
import {
  clusterInventory,
  gatewayApiGateway,
  revisionTag,
  workload,
} from './__testUtils__/inventoryFixtures';

const injectorConfig = (service: string) => ({
  service: {
    name: service,
    namespace: 'istio-system',
    path: '/inject',
    port: 443,
  },
  caBundle: 'Q0E=',
});

const tagWebhook = (tag: string): WebhookConfigurationObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {
    name: `istio-revision-tag-${tag}`,
    resourceVersion: '42',
    uid: 'b3c1',
    managedFields: [{ manager: 'istioctl' }],
    labels: { 'istio.io/tag': tag, 'istio.io/rev': '1-28-3' },
  },
  webhooks: [
    {
      name: 'rev.namespace.sidecar-injector.istio.io',
      clientConfig: injectorConfig('istiod-1-28-3'),
    },
    {
      name: 'namespace.sidecar-injector.istio.io',
      clientConfig: injectorConfig('istiod-1-28-3'),
    },
  ],
});

const injector: WebhookConfigurationObject = {
  metadata: {
    name: 'istio-sidecar-injector-1-29-1',
    labels: { 'istio.io/rev': '1-29-1' },
  },
  webhooks: [
    {
      name: 'rev.namespace.sidecar-injector.istio.io',
      clientConfig: injectorConfig('istiod-1-29-1'),
    },
  ],
};

const defaultValidator: WebhookConfigurationObject = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: {
    name: 'istiod-default-validator',
    resourceVersion: '7',
    labels: { 'istio.io/rev': '1-28-3' },
  },
  webhooks: [
    {
      name: 'validation.istio.io',
      clientConfig: {
        service: {
          name: 'istiod-1-28-3',
          namespace: 'istio-system',
          path: '/validate',
        },
        caBundle: 'b2xk',
      },
    },
  ],
};

const tagService: ServiceObject = {
  metadata: {
    name: 'istiod-revision-tag-default',
    namespace: 'istio-system',
    resourceVersion: '5',
    labels: { 'istio.io/tag': 'default', 'istio.io/rev': '1-28-3' },
  },
  spec: { selector: { app: 'istiod', 'istio.io/rev': '1-28-3' } },
};

const revisionService: ServiceObject = {
  spec: { selector: { app: 'istiod', 'istio.io/rev': '1-29-1' } },
};

const inventory = clusterInventory({
  tags: [
    revisionTag('default', '1-28-3', ['bookinfo', 'nginx']),
    revisionTag('stable', '1-28-3', ['bookinfo']),
    revisionTag('orphan', undefined),
  ],
  workloads: [
    workload('nginx', 'nginx', '1-28-3', { pods: 2 }),
    workload('bookinfo', 'reviews-v1', '1-28-3', { pods: 3 }),
    workload('bookinfo', 'details-v1', '1-28-3'),
    workload('bookinfo', 'productpage-v1', '1-28-3', { paused: true }),
    workload('bookinfo', 'ratings', '1-28-3', {
      kind: 'StatefulSet',
      onDelete: true,
    }),
    workload('bookinfo', 'batch', undefined),
    workload('elsewhere', 'api', '1-28-3'),
  ],
});

const input = (extra: Partial<TagMoveInput> = {}): TagMoveInput => ({
  tag: 'stable',
  revision: '1-29-1',
  migrateNamespaces: false,
  waveSize: 2,
  ...extra,
});

const objects = (extra: Partial<TagMoveObjects> = {}): TagMoveObjects => ({
  tagWebhook: tagWebhook('stable'),
  injector,
  ...extra,
});

/** The tag webhook as the plan writes it: the new label and client config, server noise dropped. */
const repointed = (tag: string) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {
    name: `istio-revision-tag-${tag}`,
    resourceVersion: '42',
    labels: { 'istio.io/tag': tag, 'istio.io/rev': '1-29-1' },
  },
  webhooks: [
    {
      name: 'rev.namespace.sidecar-injector.istio.io',
      clientConfig: injectorConfig('istiod-1-29-1'),
    },
    {
      name: 'namespace.sidecar-injector.istio.io',
      clientConfig: injectorConfig('istiod-1-29-1'),
    },
  ],
});

describe('the plan of a tag move', () => {
  it("replaces the tag's webhook configuration, conditional on the resourceVersion read, and pods keep their proxies", () => {
    const plan = planTagMove(inventory, input(), objects());
    expect(plan.patches).toEqual([
      {
        step: 'repoint-tag',
        kind: 'MutatingWebhookConfiguration',
        name: 'istio-revision-tag-stable',
        patchType: 'replace',
        patch: repointed('stable'),
        precondition: '42',
      },
    ]);
    expect(plan.summary).toBe(
      'Point tag stable (used by bookinfo) from 1-28-3 to 1-29-1 (service istio-system/istiod-1-29-1/inject); pods keep their proxies until they restart',
    );
    expect(plan).toMatchObject({
      fromRevision: '1-28-3',
      toRevision: '1-29-1',
      waves: [],
      skipped: [],
      podsInScope: 0,
      namespaces: ['bookinfo'],
    });
    expect(plan).not.toHaveProperty('warnings');
  });

  it('rolls back by writing the configuration back as it was read, without server-managed fields', () => {
    const plan = planTagMove(inventory, input(), objects());
    expect(plan.rollbackPatches).toEqual([
      {
        step: 'repoint-tag',
        kind: 'MutatingWebhookConfiguration',
        name: 'istio-revision-tag-stable',
        patchType: 'replace',
        patch: {
          ...tagWebhook('stable'),
          metadata: {
            name: 'istio-revision-tag-stable',
            resourceVersion: '42',
            labels: { 'istio.io/tag': 'stable', 'istio.io/rev': '1-28-3' },
          },
        },
      },
    ]);
  });

  it('for the default tag, repoints istiod-default-validator and the tag Service too, and undoes them in the same order', () => {
    const plan = planTagMove(
      inventory,
      input({ tag: 'default' }),
      objects({
        tagWebhook: tagWebhook('default'),
        defaultValidator,
        tagService,
        revisionService,
      }),
    );
    expect(plan.patches.map(p => `${p.kind} ${p.name}`)).toEqual([
      'MutatingWebhookConfiguration istio-revision-tag-default',
      'ValidatingWebhookConfiguration istiod-default-validator',
      'Service istiod-revision-tag-default',
    ]);
    expect(plan.patches[1]).toMatchObject({
      patchType: 'replace',
      precondition: '7',
      patch: {
        metadata: { labels: { 'istio.io/rev': '1-29-1' } },
        webhooks: [
          {
            name: 'validation.istio.io',
            // Derived from the injector, as istioctl derives it: same Service, path /validate.
            clientConfig: {
              service: {
                name: 'istiod-1-29-1',
                namespace: 'istio-system',
                path: '/validate',
                port: 443,
              },
              caBundle: 'Q0E=',
            },
          },
        ],
      },
    });
    expect(plan.patches[2]).toEqual({
      step: 'repoint-tag',
      kind: 'Service',
      namespace: 'istio-system',
      name: 'istiod-revision-tag-default',
      patchType: 'merge',
      patch: {
        metadata: {
          resourceVersion: '5',
          labels: { 'istio.io/rev': '1-29-1' },
        },
        spec: { selector: { app: 'istiod', 'istio.io/rev': '1-29-1' } },
      },
      precondition: '5',
    });
    expect(plan.rollbackPatches!.map(p => `${p.kind} ${p.name}`)).toEqual([
      'MutatingWebhookConfiguration istio-revision-tag-default',
      'ValidatingWebhookConfiguration istiod-default-validator',
      'Service istiod-revision-tag-default',
    ]);
    expect(plan.rollbackPatches![1].patch).toEqual(defaultValidator);
    expect(plan.rollbackPatches![2]).toEqual({
      step: 'repoint-tag',
      kind: 'Service',
      namespace: 'istio-system',
      name: 'istiod-revision-tag-default',
      patchType: 'merge',
      patch: {
        metadata: { labels: { 'istio.io/rev': '1-28-3' } },
        spec: { selector: { app: 'istiod', 'istio.io/rev': '1-28-3' } },
      },
    });
    expect(plan.summary).toContain(', with istiod-default-validator');
  });

  it('writes no Service patch when the tag Service already selects the revision', () => {
    const plan = planTagMove(
      inventory,
      input({ tag: 'default' }),
      objects({
        tagWebhook: tagWebhook('default'),
        tagService: {
          ...tagService,
          metadata: {
            ...tagService.metadata,
            labels: { 'istio.io/rev': '1-29-1' },
          },
          spec: revisionService.spec,
        },
        revisionService,
      }),
    );
    expect(plan.patches.map(p => p.kind)).toEqual([
      'MutatingWebhookConfiguration',
    ]);
    expect(plan.rollbackPatches!.map(p => p.kind)).toEqual([
      'MutatingWebhookConfiguration',
    ]);
  });

  it("restarts, when asked, the tag's namespaces' injected workloads in waves sorted by namespace and name, and reports the ones it cannot", () => {
    const plan = planTagMove(
      inventory,
      input({ tag: 'default', migrateNamespaces: true }),
      objects({ tagWebhook: tagWebhook('default') }),
    );
    expect(plan.waves).toEqual([
      {
        index: 1,
        workloads: [
          {
            kind: 'Deployment',
            namespace: 'bookinfo',
            name: 'details-v1',
            pods: 1,
          },
          {
            kind: 'Deployment',
            namespace: 'bookinfo',
            name: 'reviews-v1',
            pods: 3,
          },
        ],
      },
      {
        index: 2,
        workloads: [
          { kind: 'Deployment', namespace: 'nginx', name: 'nginx', pods: 2 },
        ],
      },
    ]);
    expect(plan.patches.slice(1)).toEqual(
      plan.waves.flatMap(wave =>
        wave.workloads.map(w => ({
          step: `restart-wave-${wave.index}`,
          kind: 'Deployment',
          namespace: w.namespace,
          name: w.name,
          patchType: 'strategic-merge',
          patch: restartPatch(RESTART_STAMP_PLACEHOLDER),
        })),
      ),
    );
    expect(plan.skipped).toEqual([
      {
        kind: 'Deployment',
        namespace: 'bookinfo',
        name: 'productpage-v1',
        pods: 1,
        note: 'paused',
      },
      {
        kind: 'StatefulSet',
        namespace: 'bookinfo',
        name: 'ratings',
        pods: 1,
        note: 'OnDelete update strategy',
      },
    ]);
    expect(plan.podsInScope).toBe(6);
    expect(plan.summary).toBe(
      'Point tag default (used by bookinfo, nginx) from 1-28-3 to 1-29-1 (service istio-system/istiod-1-29-1/inject), then restart 3 workloads in 2 waves',
    );
  });

  it('warns about the Gateway API gateways that name the tag', () => {
    const plan = planTagMove(
      clusterInventory({
        ...inventory,
        gatewayApiGateways: [
          gatewayApiGateway('ingress', 'web', '1-28-3', {
            revisionLabel: 'stable',
          }),
        ],
      }),
      input(),
      objects(),
    );
    expect(plan.warnings).toEqual([
      'Moving tag stable restarts 1 Gateway API gateway at once, before any wave: istiod of 1-29-1 redeploys ingress/web (1 pod)',
    ]);
  });

  it('has nothing to roll back to for a tag that points at nothing', () => {
    const plan = planTagMove(
      inventory,
      input({ tag: 'orphan' }),
      objects({ tagWebhook: tagWebhook('orphan') }),
    );
    expect(plan.rollbackPatches).toEqual([]);
    expect(plan).not.toHaveProperty('fromRevision');
    expect(plan.namespaces).toEqual([]);
    expect(plan.summary).toMatch(
      /^Point tag orphan \(used by no namespace\) from nothing to 1-29-1 /,
    );
  });

  it('refuses a tag the inventory or the cluster does not have, and a revision without an injector', () => {
    expect(() =>
      planTagMove(inventory, input({ tag: 'prod' }), objects()),
    ).toThrow(new InputError('Revision tag prod does not exist in cluster c1'));
    expect(() =>
      planTagMove(inventory, input(), objects({ tagWebhook: undefined })),
    ).toThrow('Revision tag stable does not exist in cluster c1');
    expect(() =>
      planTagMove(inventory, input(), objects({ injector: undefined })),
    ).toThrow('Revision 1-29-1 has no injector webhook to point tag stable at');
    expect(() =>
      planTagMove(
        inventory,
        input(),
        objects({ injector: { ...injector, webhooks: [] } }),
      ),
    ).toThrow(InputError);
  });
});
