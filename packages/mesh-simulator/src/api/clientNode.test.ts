import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  V1Pod,
} from '@kubernetes/client-node';
import { startTestSimulator, TestSimulator } from '../testing/simulatorClient';

jest.setTimeout(120000);

const metadataList =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const metadataOne =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

function clientsFor(t: TestSimulator) {
  const kc = new KubeConfig();
  kc.loadFromFile(t.sim.kubeconfigPath!);
  kc.setCurrentContext('seed');
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    admission: kc.makeApiClient(AdmissionregistrationV1Api),
  };
}

/** Reads a watch stream's newline-delimited events until `until` says stop. */
function collectWatch(
  t: TestSimulator,
  path: string,
  accept: string,
  until: (events: any[]) => boolean,
): Promise<any[]> {
  const https = require('node:https');
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    const req = https.request(
      `${t.sim.url}${path}`,
      {
        ca: t.sim.caPem,
        headers: {
          Authorization: `Bearer ${t.sim.adminToken}`,
          Accept: accept,
        },
      },
      (res: any) => {
        expect(res.headers['transfer-encoding']).toBe('chunked');
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          for (
            let nl = buffer.indexOf('\n');
            nl >= 0;
            nl = buffer.indexOf('\n')
          ) {
            events.push(JSON.parse(buffer.slice(0, nl)));
            buffer = buffer.slice(nl + 1);
            if (until(events)) {
              req.destroy();
              resolve(events);
              return;
            }
          }
        });
        res.on('end', () => resolve(events));
      },
    );
    req.on('error', (e: Error) =>
      events.length ? resolve(events) : reject(e),
    );
    req.end();
  });
}

describe('API semantics through @kubernetes/client-node', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startTestSimulator({
      speed: 20,
      historyWindow: 200,
      bookmarkIntervalSeconds: 0.2,
    });
  });

  afterAll(async () => {
    await t.stop();
  });

  it('pages a list with limit and continue at one resourceVersion', async () => {
    const { core } = clientsFor(t);
    const names: string[] = [];
    let token: string | undefined;
    let rv: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({
        limit: 5,
        _continue: token,
      });
      rv ??= page.metadata?.resourceVersion;
      expect(page.metadata?.resourceVersion).toBe(rv);
      names.push(
        ...page.items.map(p => `${p.metadata?.namespace}/${p.metadata?.name}`),
      );
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toHaveLength(13);
    expect([...names].sort()).toEqual(names);
  });

  it('serves metadata-only lists and watches, with q-valued Accept lists', async () => {
    const list = await t.request(
      'GET',
      '/clusters/seed/api/v1/pods?limit=500',
      undefined,
      { Accept: `${metadataList},application/json;q=0.9` },
    );
    expect(list.status).toBe(200);
    expect(list.body.kind).toBe('PartialObjectMetadataList');
    expect(list.body.apiVersion).toBe('meta.k8s.io/v1');
    expect(list.body.items[0].kind).toBe('PartialObjectMetadata');
    expect(list.body.items[0].spec).toBeUndefined();
    expect(
      list.body.items[0].metadata.annotations['sidecar.istio.io/status'],
    ).toContain('"revision":"1-9-7"');

    const rv = list.body.metadata.resourceVersion;
    const watching = collectWatch(
      t,
      `/clusters/seed/api/v1/pods?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=30`,
      metadataOne,
      events =>
        events.some(
          e =>
            e.type === 'MODIFIED' && e.object.metadata.labels?.probe === 'yes',
        ) && events.some(e => e.type === 'BOOKMARK'),
    );
    const pod = list.body.items.find(
      (p: any) => p.metadata.namespace === 'nginx',
    ).metadata.name;
    const patched = await t.request(
      'PATCH',
      `/clusters/seed/api/v1/namespaces/nginx/pods/${pod}`,
      { metadata: { labels: { probe: 'yes' } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(patched.status).toBe(200);
    const events = await watching;
    const modified = events.find(e => e.type === 'MODIFIED');
    expect(modified.object.kind).toBe('PartialObjectMetadata');
    expect(modified.object.apiVersion).toBe('meta.k8s.io/v1');
    const bookmark = events.find(e => e.type === 'BOOKMARK');
    expect(Object.keys(bookmark.object.metadata)).toEqual(['resourceVersion']);

    const full = await t.request(
      'GET',
      '/clusters/seed/api/v1/pods',
      undefined,
      {
        Accept:
          'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1;q=0.5,application/json',
      },
    );
    expect(full.body.kind).toBe('PodList');
    const refused = await t.request(
      'GET',
      '/clusters/seed/api/v1/pods',
      undefined,
      { Accept: 'application/vnd.kubernetes.protobuf' },
    );
    expect(refused.status).toBe(406);
    expect(refused.body.reason).toBe('NotAcceptable');
  });

  it('watches with client-node from a list resourceVersion and an informer keeps its cache', async () => {
    const { kc, core } = clientsFor(t);
    const list = await core.listNamespacedPod({ namespace: 'bookinfo' });
    const seen: Array<{ phase: string; name: string }> = [];
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/bookinfo/pods',
      {
        resourceVersion: list.metadata?.resourceVersion,
        allowWatchBookmarks: true,
      },
      (phase, obj) => seen.push({ phase, name: obj.metadata?.name }),
      () => {},
    );
    const informer = makeInformer(kc, '/api/v1/namespaces/bookinfo/pods', () =>
      core.listNamespacedPod({ namespace: 'bookinfo' }),
    );
    await informer.start();
    expect(informer.list()).toHaveLength(6);
    const victim = list.items.find(p => p.metadata?.labels?.app === 'details')!
      .metadata!.name!;
    await core.deleteNamespacedPod({ name: victim, namespace: 'bookinfo' });
    await t.eventually(
      () =>
        seen.some(e => e.phase === 'DELETED' && e.name === victim) &&
        seen.some(e => e.phase === 'ADDED'),
    );
    await t.eventually(
      () =>
        informer.list().length === 6 &&
        !informer.list().some((p: V1Pod) => p.metadata?.name === victim),
    );
    controller.abort();
    await informer.stop();
  });

  it('patches namespace labels with merge and strategic merge patch, removing with null', async () => {
    const { core } = clientsFor(t);
    await core.patchNamespace(
      {
        name: 'bookinfo',
        body: {
          metadata: {
            labels: { 'istio-injection': null, 'istio.io/rev': '1-10-4' },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    let ns = await core.readNamespace({ name: 'bookinfo' });
    expect(ns.metadata?.labels?.['istio-injection']).toBeUndefined();
    expect(ns.metadata?.labels?.['istio.io/rev']).toBe('1-10-4');
    await core.patchNamespace(
      {
        name: 'bookinfo',
        body: {
          metadata: {
            labels: { 'istio.io/rev': null, 'istio-injection': 'enabled' },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    ns = await core.readNamespace({ name: 'bookinfo' });
    expect(ns.metadata?.labels?.['istio.io/rev']).toBeUndefined();
    expect(ns.metadata?.labels?.['istio-injection']).toBe('enabled');
  });

  it('restarts a Deployment with a strategic merge patch and reports rollout status', async () => {
    const { apps } = clientsFor(t);
    const before = await apps.readNamespacedDeployment({
      name: 'ratings-v1',
      namespace: 'bookinfo',
    });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'ratings-v1',
        namespace: 'bookinfo',
        body: {
          spec: {
            template: {
              metadata: {
                annotations: {
                  'kubectl.kubernetes.io/restartedAt': new Date().toISOString(),
                },
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.metadata?.generation).toBe(
      (before.metadata?.generation ?? 0) + 1,
    );
    expect(patched.spec?.template.spec?.containers[0].name).toBe('ratings');
    await t.eventually(async () => {
      const d = await apps.readNamespacedDeployment({
        name: 'ratings-v1',
        namespace: 'bookinfo',
      });
      const progressing = d.status?.conditions?.find(
        c => c.type === 'Progressing',
      );
      return (
        d.status?.observedGeneration === d.metadata?.generation &&
        d.status?.updatedReplicas === 1 &&
        d.status?.replicas === 1 &&
        d.status?.availableReplicas === 1 &&
        progressing?.reason === 'NewReplicaSetAvailable'
      );
    });
  });

  it('answers 409 to a stale resourceVersion in a patch body and in an update', async () => {
    const { core, apps } = clientsFor(t);
    const svc = await core.readNamespacedService({
      name: 'productpage',
      namespace: 'bookinfo',
    });
    const rv = svc.metadata!.resourceVersion!;
    await core.patchNamespacedService(
      {
        name: 'productpage',
        namespace: 'bookinfo',
        body: {
          metadata: { resourceVersion: rv },
          spec: { selector: { app: 'productpage', version: 'v1' } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await expect(
      core.patchNamespacedService(
        {
          name: 'productpage',
          namespace: 'bookinfo',
          body: {
            metadata: { resourceVersion: rv },
            spec: { selector: { app: 'productpage' } },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    ).rejects.toMatchObject({ code: 409 });
    const d = await apps.readNamespacedDeployment({
      name: 'details-v1',
      namespace: 'bookinfo',
    });
    await apps.replaceNamespacedDeployment({
      name: 'details-v1',
      namespace: 'bookinfo',
      body: {
        ...d,
        metadata: { ...d.metadata, labels: { ...d.metadata?.labels, a: 'b' } },
      },
    });
    const stale = await apps
      .replaceNamespacedDeployment({
        name: 'details-v1',
        namespace: 'bookinfo',
        body: d,
      })
      .catch(e => e);
    expect(stale.code).toBe(409);
    expect(JSON.parse(stale.body).reason).toBe('Conflict');
  });

  it('moves a revision tag with PUT as istioctl tag set --overwrite does, and injection follows', async () => {
    const { admission, core } = clientsFor(t);
    const tag = await admission.readMutatingWebhookConfiguration({
      name: 'istio-revision-tag-default',
    });
    tag.metadata!.labels!['istio.io/rev'] = '1-10-4';
    for (const w of tag.webhooks ?? [])
      w.clientConfig.service!.name = 'istiod-1-10-4';
    await admission.replaceMutatingWebhookConfiguration({
      name: 'istio-revision-tag-default',
      body: tag,
    });
    const pod = await core.createNamespacedPod({
      namespace: 'bookinfo',
      body: {
        metadata: { name: 'tagged', labels: { app: 'tagged' } },
        spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
      },
    });
    // 1.10's template labels the pod with its revision (the annotation came with 1.18).
    expect(pod.metadata?.labels?.['istio.io/rev']).toBe('1-10-4');
    expect(pod.spec?.containers.map(c => c.image)).toContain(
      'docker.io/istio/proxyv2:1.10.4',
    );
    expect(pod.spec?.initContainers?.[0].name).toBe('istio-init');
    expect(pod.metadata?.labels?.['security.istio.io/tlsMode']).toBe('istio');
  });

  it('reports objects leaving a filtered watch as DELETED and deletes collections', async () => {
    const start = (
      await t.request('GET', '/clusters/seed/api/v1/namespaces/nginx/pods')
    ).body;
    const name = start.items[0].metadata.name;
    const headers = { 'Content-Type': 'application/merge-patch+json' };
    await t.request(
      'PATCH',
      `/clusters/seed/api/v1/namespaces/nginx/pods/${name}`,
      { metadata: { labels: { tracked: 'yes' } } },
      headers,
    );
    const rv = (
      await t.request('GET', '/clusters/seed/api/v1/namespaces/nginx/pods')
    ).body.metadata.resourceVersion;
    const watching = collectWatch(
      t,
      `/clusters/seed/api/v1/namespaces/nginx/pods?watch=1&labelSelector=tracked%3Dyes&resourceVersion=${rv}`,
      'application/json',
      events => events.length >= 2,
    );
    await t.request(
      'PATCH',
      `/clusters/seed/api/v1/namespaces/nginx/pods/${name}`,
      { metadata: { labels: { tracked: null } } },
      headers,
    );
    await t.request(
      'PATCH',
      `/clusters/seed/api/v1/namespaces/nginx/pods/${name}`,
      { metadata: { labels: { tracked: 'yes' } } },
      headers,
    );
    const events = await watching;
    expect(events.map(e => e.type)).toEqual(['DELETED', 'ADDED']);
    expect(events[0].object.metadata.labels.tracked).toBeUndefined();

    for (const n of ['a', 'b']) {
      await t.request(
        'POST',
        '/clusters/seed/api/v1/namespaces/default/configmaps',
        { metadata: { name: n, labels: { batch: 'x' } }, data: { k: n } },
      );
    }
    const deleted = await t.request(
      'DELETE',
      '/clusters/seed/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dx',
    );
    expect(deleted.body.items.map((c: any) => c.metadata.name)).toEqual([
      'a',
      'b',
    ]);
    expect(
      (
        await t.request(
          'GET',
          '/clusters/seed/api/v1/namespaces/default/configmaps',
        )
      ).body.items,
    ).toEqual([]);
  });

  it('answers 410 for a resourceVersion older than the history window', async () => {
    const { kc, core } = clientsFor(t);
    const old = (await core.listNamespace()).metadata!.resourceVersion!;
    for (let i = 0; i < 210; i++) {
      await core.patchNamespace(
        {
          name: 'default',
          body: { metadata: { labels: { churn: String(i) } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    const errors: any[] = [];
    const done = new Promise<void>(resolve => {
      new Watch(kc).watch(
        '/api/v1/namespaces',
        { resourceVersion: old },
        (phase, obj) => phase === 'ERROR' && errors.push(obj),
        () => resolve(),
      );
    });
    await done;
    expect(errors[0]).toMatchObject({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
    });
    const exact = await t.request(
      'GET',
      `/clusters/seed/api/v1/namespaces?resourceVersion=${old}&resourceVersionMatch=Exact`,
    );
    expect(exact.status).toBe(410);
  });
});
