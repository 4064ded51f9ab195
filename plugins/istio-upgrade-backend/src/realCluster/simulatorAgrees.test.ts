import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MeshSimulatorProcess,
  startMeshSimulator,
} from '../testing/meshSimulator';
import { realCluster } from '../testing/__testUtils__/realCluster';

jest.setTimeout(300_000);

const cluster = realCluster();
const OLD = cluster.oldRevision;
const NEW = cluster.newRevision;

/**
 * Labels an install tool adds (Helm, the operator) and that tell nothing about Istio's behaviour: the real
 * lab is installed with Helm, the simulator's lab as istioctl would leave it.
 */
const TOOL_LABELS =
  /^(app\.kubernetes\.io\/|helm\.sh\/|release$|install\.operator\.istio\.io\/|operator\.istio\.io\/|istio\.io\/dataplane-mode$|gateway\.istio\.io\/|pod-template-hash$)/;

const withoutToolLabels = (labels: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries(labels)
      .filter(([key]) => !TOOL_LABELS.test(key))
      .sort(([a], [b]) => a.localeCompare(b)),
  );

const keys = (object: Record<string, unknown> = {}) =>
  Object.keys(object).sort();

/** What Istio's injection did to a pod: where the proxy is, what it carries and says. */
function injectedShape(pod: any) {
  const status = JSON.parse(
    pod.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}',
  );
  const proxyIn = (list: any[] = []) =>
    list.find((c: any) => c.name === 'istio-proxy');
  const init = proxyIn(pod.spec.initContainers);
  const proxy = init ?? proxyIn(pod.spec.containers);
  return {
    proxyAs: init
      ? `init container, restartPolicy ${init.restartPolicy}`
      : 'container',
    proxyImage: proxy?.image?.replace(/:[^:]+$/, ':<version>'),
    initContainers: (pod.spec.initContainers ?? []).map((c: any) => c.name),
    containers: pod.spec.containers.map((c: any) => c.name),
    statusKeys: keys(status),
    statusRevision: status.revision,
    // Not the restart stamp, which a rollout restart (an earlier test's) leaves.
    istioAnnotations: keys(pod.metadata.annotations).filter(
      k =>
        /istio|kubectl\.kubernetes\.io|prometheus\.io/.test(k) &&
        k !== 'kubectl.kubernetes.io/restartedAt',
    ),
    istioLabels: withoutToolLabels(pod.metadata.labels),
  };
}

/** A webhook configuration's Istio-relevant shape. */
function webhookShape(configuration: any) {
  return {
    name: configuration.metadata.name,
    labels: withoutToolLabels(configuration.metadata.labels),
    webhooks: (configuration.webhooks ?? []).map((w: any) => ({
      name: w.name,
      namespaceSelector: w.namespaceSelector,
      objectSelector: w.objectSelector,
      failurePolicy: w.failurePolicy,
      sideEffects: w.sideEffects,
      admissionReviewVersions: w.admissionReviewVersions,
      rules: w.rules,
    })),
  };
}

/**
 * The real tier judges the simulator: the simulator's `real-lab` scenario (the real tier's lab) beside the
 * real cluster, and what both serve of the objects the product reads or the upgrade method relies on,
 * compared after dropping what only an install tool adds. Where they differ, the simulator is wrong.
 */
describe('the simulator agrees with real Kubernetes and Istio', () => {
  let simulator: MeshSimulatorProcess;
  const real = (args: string[]) => cluster.kubectl(args);
  const sim = (args: string[]) =>
    simulator.kubectl(['--context', 'real-lab', ...args]);
  const both = async (args: string[]) =>
    (await Promise.all([real(args), sim(args)])).map(out => JSON.parse(out));

  beforeAll(async () => {
    simulator = await startMeshSimulator({
      scenarios: ['real-lab'],
      speed: 10,
    });
  });

  afterAll(async () => {
    await simulator?.stop();
  });

  it('injects an application pod the same way (native sidecar, annotations, labels)', async () => {
    const [realPods, simPods] = await both([
      'get',
      'pods',
      '-n',
      'bookinfo',
      '-l',
      'app=productpage',
      '-o',
      'json',
    ]);
    const [realShape, simShape] = [realPods, simPods].map(p =>
      injectedShape(p.items[0]),
    );
    // The application's own labels differ (Istio's Bookinfo labels, the scenario's); Istio's are compared.
    const istioOnly = (labels: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(labels).filter(([k]) => /istio/.test(k)),
      );
    expect({
      ...simShape,
      istioLabels: istioOnly(simShape.istioLabels),
    }).toEqual({
      ...realShape,
      istioLabels: istioOnly(realShape.istioLabels),
    });
    expect(realShape.statusRevision).toBe(OLD);
  });

  it('injects a gateway pod the same way', async () => {
    const [realPods, simPods] = await both([
      'get',
      'pods',
      '-n',
      'istio-gateways',
      '-l',
      `version=${OLD}`,
      '-o',
      'json',
    ]);
    const [realShape, simShape] = [realPods, simPods].map(p => {
      const shape = injectedShape(p.items[0]);
      return {
        ...shape,
        istioLabels: Object.fromEntries(
          Object.entries(shape.istioLabels).filter(([k]) =>
            /istio|version|sidecar/.test(k),
          ),
        ),
      };
    });
    expect(simShape).toEqual(realShape);
  });

  it("serves each revision's injector, the tag's webhook and the validators alike", async () => {
    const [realHooks, simHooks] = await both([
      'get',
      'mutatingwebhookconfigurations',
      '-o',
      'json',
    ]);
    const [realValidators, simValidators] = await both([
      'get',
      'validatingwebhookconfigurations',
      '-o',
      'json',
    ]);
    const shapes = (list: any) =>
      list.items
        .map(webhookShape)
        .sort((a: any, b: any) => a.name.localeCompare(b.name));
    expect(shapes(simHooks)).toEqual(shapes(realHooks));
    expect(
      shapes(simValidators).map((v: any) => ({
        name: v.name,
        labels: v.labels,
        webhooks: v.webhooks.map((w: any) => ({
          name: w.name,
          objectSelector: w.objectSelector,
        })),
      })),
    ).toEqual(
      shapes(realValidators).map((v: any) => ({
        name: v.name,
        labels: v.labels,
        webhooks: v.webhooks.map((w: any) => ({
          name: w.name,
          objectSelector: w.objectSelector,
        })),
      })),
    );
  });

  it('runs istiod and the tag Service under the same names, labels and selectors', async () => {
    const [realIstiod, simIstiod] = await both([
      'get',
      'deployments,services',
      '-n',
      'istio-system',
      '-o',
      'json',
    ]);
    const shape = (list: any) =>
      list.items
        .map((o: any) => ({
          kind: o.kind,
          name: o.metadata.name,
          labels: withoutToolLabels(o.metadata.labels),
          ...(o.kind === 'Service'
            ? {
                selector: o.spec.selector,
                ports: o.spec.ports.map((p: any) => p.port),
              }
            : {
                podLabels: withoutToolLabels(o.spec.template.metadata.labels),
                containers: o.spec.template.spec.containers.map(
                  (c: any) => `${c.name} ${c.image}`,
                ),
              }),
        }))
        .sort((a: any, b: any) =>
          `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`),
        );
    expect(shape(simIstiod)).toEqual(shape(realIstiod));
  });

  it('keeps EndpointSlices of a Service as the endpointslice controller does', async () => {
    const slices = await both([
      'get',
      'endpointslices',
      '-n',
      'istio-gateways',
      '-l',
      'kubernetes.io/service-name=istio-ingressgateway',
      '-o',
      'json',
    ]);
    const [realSlice, simSlice] = slices.map(list => {
      const slice = list.items[0];
      return {
        slices: list.items.length,
        labels: keys(slice.metadata.labels),
        ownerKinds: (slice.metadata.ownerReferences ?? []).map(
          (o: any) => o.kind,
        ),
        addressType: slice.addressType,
        ports: slice.ports
          .map((p: any) => `${p.name}/${p.port}/${p.protocol}`)
          .sort(),
        endpoints: slice.endpoints.length,
        endpointKeys: keys(slice.endpoints[0]),
        conditions: slice.endpoints[0].conditions,
        targetRefKind: slice.endpoints[0].targetRef?.kind,
      };
    });
    expect(simSlice).toEqual(realSlice);
  });

  it("deploys a Gateway API Gateway as real istiod does (pods, Service, ServiceAccount, the Gateway's status)", async () => {
    // The real lab has no Gateway: the same one as the scenario's, in a namespace of this test's own.
    const namespace = 'gateway-api';
    const dir = mkdtempSync(join(tmpdir(), 'gateway-api-'));
    const manifest = join(dir, 'gateway.yaml');
    writeFileSync(
      manifest,
      `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: web
  namespace: ${namespace}
  labels:
    istio.io/rev: ${NEW}
spec:
  gatewayClassName: istio
  listeners:
    - name: http
      port: 80
      protocol: HTTP
`,
    );
    const until = async (check: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (await check().catch(() => false)) return;
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
        await new Promise(r => setTimeout(r, 1000));
      }
    };
    const ready = (run: (a: string[]) => Promise<string>) =>
      until(async () => {
        const d = JSON.parse(
          await run([
            'get',
            'deployment',
            'web-istio',
            '-n',
            namespace,
            '-o',
            'json',
          ]),
        );
        return (
          d.status?.observedGeneration === d.metadata.generation &&
          d.status?.readyReplicas === 1 &&
          d.status?.updatedReplicas === 1 &&
          d.status?.replicas === 1
        );
      }, 'web-istio ready');
    try {
      await real(['apply', '-f', manifest]);
      await Promise.all([ready(real), ready(sim)]);
      // The simulator's load balancer controller gives the Service an address; the real lab has
      // none, so the test gives it one as a cloud's would, and istiod programs the Gateway.
      await real([
        'patch',
        'service',
        'web-istio',
        '-n',
        namespace,
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.250"}]}}}',
      ]);
      const programmed = (run: (a: string[]) => Promise<string>) =>
        until(async () => {
          const g = JSON.parse(
            await run(['get', 'gateway', 'web', '-n', namespace, '-o', 'json']),
          );
          return (g.status?.conditions ?? []).some(
            (c: any) => c.type === 'Programmed' && c.status === 'True',
          );
        }, 'Gateway web programmed');
      await Promise.all([programmed(real), programmed(sim)]);

      const shape = async (run: (a: string[]) => Promise<string>) => {
        const get = async (what: string[]) =>
          JSON.parse(
            await run(['get', ...what, '-n', namespace, '-o', 'json']),
          );
        const [pods, service, account, gateway] = await Promise.all([
          get(['pods', '-l', 'gateway.networking.k8s.io/gateway-name=web']),
          get(['service', 'web-istio']),
          get(['serviceaccount', 'web-istio']),
          get(['gateway', 'web']),
        ]);
        const live = pods.items.filter(
          (p: any) => !p.metadata.deletionTimestamp,
        );
        const pod = live[0];
        const { 'pod-template-hash': _hash, ...podLabels } =
          pod.metadata.labels;
        return {
          pods: live.length,
          podLabels,
          podAnnotations: pod.metadata.annotations,
          initContainers: (pod.spec.initContainers ?? []).map(
            (c: any) => `${c.name} ${c.image}`,
          ),
          containers: pod.spec.containers.map(
            (c: any) => `${c.name} ${c.image}`,
          ),
          containerPorts: pod.spec.containers.map((c: any) => c.ports),
          serviceAccountName: pod.spec.serviceAccountName,
          serviceLabels: service.metadata.labels,
          serviceType: service.spec.type,
          ipFamilyPolicy: service.spec.ipFamilyPolicy,
          serviceSelector: service.spec.selector,
          servicePorts: service.spec.ports.map((p: any) => ({
            name: p.name,
            port: p.port,
            protocol: p.protocol,
            appProtocol: p.appProtocol,
            targetPort: p.targetPort,
          })),
          accountLabels: account.metadata.labels,
          ownerKinds: [service, account].map((o: any) =>
            (o.metadata.ownerReferences ?? []).map(
              (r: any) => `${r.kind}/${r.name}`,
            ),
          ),
          gatewayConditions: gateway.status.conditions.map(
            (c: any) => `${c.type}=${c.status} ${c.reason}`,
          ),
          listenerConditions: (gateway.status.listeners ?? []).map(
            (l: any) => ({
              name: l.name,
              conditions: l.conditions.map(
                (c: any) => `${c.type}=${c.status} ${c.reason}`,
              ),
              supportedKinds: l.supportedKinds,
            }),
          ),
        };
      };
      const [realShape, simShape] = await Promise.all([
        shape(real),
        shape(sim),
      ]);
      expect(simShape).toEqual(realShape);
      // Not injected: istiod renders the proxy into the Deployment, the pods name their revision.
      expect(
        realShape.podAnnotations['sidecar.istio.io/status'],
      ).toBeUndefined();
      expect(realShape.podAnnotations['istio.io/rev']).toBe(NEW);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await real(['delete', 'namespace', namespace, '--wait=false']).catch(
        () => undefined,
      );
    }
  });

  it('answers /version and discovery for the kinds the product reads like the real API server', async () => {
    const [realVersion, simVersion] = await both(['version', '-o', 'json']);
    expect(simVersion.serverVersion.gitVersion).toBe(
      realVersion.serverVersion.gitVersion,
    );
    const resources = async (run: (a: string[]) => Promise<string>) =>
      (
        await run([
          'api-resources',
          '-o',
          'name',
          '--api-group=admissionregistration.k8s.io',
        ])
      )
        .split('\n')
        .filter(Boolean)
        .sort();
    expect(await resources(sim)).toEqual(
      expect.arrayContaining([
        'mutatingwebhookconfigurations.admissionregistration.k8s.io',
        'validatingwebhookconfigurations.admissionregistration.k8s.io',
      ]),
    );
    expect(await resources(real)).toEqual(
      expect.arrayContaining(await resources(sim)),
    );
  });
});
