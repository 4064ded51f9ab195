import {
  injectorClientConfig,
  pointsAt,
  repointWebhookConfiguration,
  restoreTagServicePatch,
  tagServicePatch,
  validationClientConfig,
  WebhookConfigurationObject,
} from './tagWebhooks';

const tagWebhook = (clientConfig: object): WebhookConfigurationObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {
    name: 'istio-revision-tag-default',
    resourceVersion: '42',
    labels: { 'istio.io/tag': 'default', 'istio.io/rev': '1-28-3' },
  },
  webhooks: [
    { name: 'rev.namespace.sidecar-injector.istio.io', clientConfig },
    { name: 'rev.object.sidecar-injector.istio.io', clientConfig },
    { name: 'namespace.sidecar-injector.istio.io', clientConfig },
  ],
});

const injector = (
  name: string,
  revision: string,
  clientConfig: object,
): WebhookConfigurationObject => ({
  metadata: { name, labels: { 'istio.io/rev': revision } },
  webhooks: [
    { name: 'rev.namespace.sidecar-injector.istio.io', clientConfig },
    { name: 'rev.object.sidecar-injector.istio.io', clientConfig },
  ],
});

describe('tag webhooks point where the revision really serves', () => {
  it("takes an in-cluster revision's injector Service, path and port", () => {
    const target = injector('istio-sidecar-injector-1-29-1', '1-29-1', {
      service: {
        name: 'istiod-1-29-1',
        namespace: 'istio-system',
        path: '/inject',
        port: 443,
      },
      caBundle: 'Q0E=',
    });
    const moved = repointWebhookConfiguration(
      tagWebhook({
        service: {
          name: 'istiod-1-28-3',
          namespace: 'istio-system',
          path: '/inject',
        },
        caBundle: 'b2xk',
      }),
      '1-29-1',
      injectorClientConfig(target)!,
    );
    expect(moved.metadata).toMatchObject({
      resourceVersion: '42',
      labels: { 'istio.io/tag': 'default', 'istio.io/rev': '1-29-1' },
    });
    expect(moved.webhooks!.map(w => w.clientConfig)).toEqual(
      Array(3).fill({
        service: {
          name: 'istiod-1-29-1',
          namespace: 'istio-system',
          path: '/inject',
          port: 443,
        },
        caBundle: 'Q0E=',
      }),
    );
  });

  it('takes the URL of a control plane outside the cluster, and drops the Service', () => {
    const external = injector('istio-sidecar-injector-1-29-1', '1-29-1', {
      url: 'https://127.0.0.1:25017/inject/cluster/remote/net/network1',
      caBundle: 'Q0E=',
    });
    const moved = repointWebhookConfiguration(
      tagWebhook({
        service: { name: 'istiod-1-28-3', namespace: 'istio-system' },
        caBundle: 'b2xk',
      }),
      '1-29-1',
      injectorClientConfig(external)!,
    );
    for (const webhook of moved.webhooks!) {
      expect(webhook.clientConfig).toEqual({
        url: 'https://127.0.0.1:25017/inject/cluster/remote/net/network1',
        caBundle: 'Q0E=',
      });
    }
  });

  it('points at a revisionless istiod through its own injector', () => {
    const revisionless = injector('istio-sidecar-injector', 'default', {
      service: { name: 'istiod', namespace: 'istio-system', path: '/inject' },
    });
    const moved = repointWebhookConfiguration(
      tagWebhook({ url: 'https://old.example.com/inject', caBundle: 'b2xk' }),
      'default',
      injectorClientConfig(revisionless)!,
    );
    expect(moved.webhooks![0].clientConfig).toEqual({
      service: { name: 'istiod', namespace: 'istio-system', path: '/inject' },
      // istiod patches the caBundle of its webhooks; until it has, the one there stays.
      caBundle: 'b2xk',
    });
  });

  it("validates with the revision's own validating webhook, else with its injector's endpoint at /validate", () => {
    const urlInjector = injector('istio-sidecar-injector-1-29-1', '1-29-1', {
      url: 'https://127.0.0.1:25017/inject',
      caBundle: 'Q0E=',
    });
    expect(
      validationClientConfig(
        {
          metadata: { name: 'istio-validator-1-29-1-istio-system' },
          webhooks: [
            {
              name: 'rev.validation.istio.io',
              clientConfig: {
                url: 'https://127.0.0.1:25017/validate',
                caBundle: 'Q0E=',
              },
            },
          ],
        },
        urlInjector,
      ),
    ).toEqual({ url: 'https://127.0.0.1:25017/validate', caBundle: 'Q0E=' });
    expect(validationClientConfig(undefined, urlInjector)).toEqual({
      url: 'https://127.0.0.1:25017/validate',
      caBundle: 'Q0E=',
    });
    expect(
      validationClientConfig(
        undefined,
        injector('istio-sidecar-injector-1-29-1', '1-29-1', {
          service: {
            name: 'istiod-1-29-1',
            namespace: 'istio-system',
            path: '/inject',
          },
        }),
      ),
    ).toEqual({
      service: {
        name: 'istiod-1-29-1',
        namespace: 'istio-system',
        path: '/validate',
      },
    });
  });

  it('knows when a configuration already points at the revision', () => {
    const config = { url: 'https://127.0.0.1:25017/inject', caBundle: 'Q0E=' };
    const moved = repointWebhookConfiguration(
      tagWebhook({ url: 'https://127.0.0.1:15017/inject', caBundle: 'Q0E=' }),
      '1-29-1',
      config,
    );
    expect(pointsAt(moved, '1-29-1', config)).toBe(true);
    expect(pointsAt(moved, '1-28-3', config)).toBe(false);
    expect(
      pointsAt(
        tagWebhook({ url: 'https://127.0.0.1:15017/inject' }),
        '1-29-1',
        config,
      ),
    ).toBe(false);
  });

  it("points the tag's Service at the revision's istiod, and back", () => {
    const tagService = {
      metadata: {
        name: 'istiod-revision-tag-default',
        namespace: 'istio-system',
        resourceVersion: '7',
        labels: { 'istio.io/tag': 'default', 'istio.io/rev': 'default' },
      },
      // A tag first set to a revisionless istiod selects it by `istio: pilot`.
      spec: { selector: { app: 'istiod', istio: 'pilot' } },
    };
    const forward = tagServicePatch(tagService, '1-29-1', {
      spec: { selector: { app: 'istiod', 'istio.io/rev': '1-29-1' } },
    })!;
    expect(forward).toEqual({
      metadata: { resourceVersion: '7', labels: { 'istio.io/rev': '1-29-1' } },
      spec: {
        selector: { app: 'istiod', 'istio.io/rev': '1-29-1', istio: null },
      },
    });
    expect(restoreTagServicePatch(tagService, forward)).toEqual({
      metadata: { labels: { 'istio.io/rev': 'default' } },
      spec: {
        selector: { app: 'istiod', istio: 'pilot', 'istio.io/rev': null },
      },
    });
    // Without an in-cluster istiod Service, only the revision label of the selector changes.
    expect(
      tagServicePatch(
        {
          ...tagService,
          spec: { selector: { app: 'istiod', 'istio.io/rev': '1-28-3' } },
        },
        '1-29-1',
      ),
    ).toMatchObject({
      spec: { selector: { app: 'istiod', 'istio.io/rev': '1-29-1' } },
    });
    expect(
      tagServicePatch(
        {
          metadata: { labels: { 'istio.io/rev': '1-29-1' } },
          spec: { selector: { app: 'istiod', 'istio.io/rev': '1-29-1' } },
        },
        '1-29-1',
      ),
    ).toBeUndefined();
  });
});
