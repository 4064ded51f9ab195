import { KubeObject } from '../store/kubeObject';
import { mountServiceAccountToken } from './serviceAccountToken';
import { injectSidecar } from './sidecarInjector';
import {
  deployMetaOf,
  nativeSidecarFor,
  nodesSupportNativeSidecars,
} from './sidecarTemplates';

const node = (name: string, kubeletVersion: string) =>
  ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { nodeInfo: { kubeletVersion } },
  } as unknown as KubeObject);

const workload = {
  name: 'productpage-v1',
  namespace: 'bookinfo',
  kind: 'Deployment',
  apiVersion: 'apps/v1',
};

function appPod(annotations: Record<string, string> = {}) {
  return {
    metadata: {
      labels: { app: 'productpage', version: 'v1' },
      annotations,
    },
    spec: {
      containers: [
        {
          name: 'productpage',
          image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.3',
          ports: [{ containerPort: 9080, protocol: 'TCP' }],
        },
      ],
    },
  };
}

describe("Istio's native sidecar detection", () => {
  it('needs every kubelet at 1.33 or later, or the pod’s own node', () => {
    expect(
      nodesSupportNativeSidecars([node('a', 'v1.34.12'), node('b', 'v1.33.0')]),
    ).toBe(true);
    expect(
      nodesSupportNativeSidecars([node('a', 'v1.34.12'), node('b', 'v1.32.4')]),
    ).toBe(false);
    expect(
      nodesSupportNativeSidecars(
        [node('a', 'v1.34.12'), node('b', 'v1.32.4')],
        'a',
      ),
    ).toBe(true);
    // An unknown node: all nodes decide.
    expect(
      nodesSupportNativeSidecars(
        [node('a', 'v1.34.12'), node('b', 'v1.32.4')],
        'gone',
      ),
    ).toBe(false);
    expect(nodesSupportNativeSidecars([node('a', 'not-a-version')])).toBe(
      false,
    );
    expect(nodesSupportNativeSidecars([])).toBe(true);
  });

  it('follows ENABLE_NATIVE_SIDECARS defaults and the pod annotation per release', () => {
    const ann = (v: string) => ({ 'sidecar.istio.io/nativeSidecar': v });
    // Before 1.24 only the (unset) environment variable could enable them.
    expect(nativeSidecarFor('1.10.4', ann('true'), true)).toBe(false);
    expect(nativeSidecarFor('1.23.0', ann('true'), true)).toBe(false);
    // 1.24–1.26: the annotation opts in.
    expect(nativeSidecarFor('1.26.2', {}, true)).toBe(false);
    expect(nativeSidecarFor('1.24.0', ann('true'), false)).toBe(true);
    // 1.27+: `auto`, and the annotation decides when set.
    expect(nativeSidecarFor('1.27.0', {}, true)).toBe(true);
    expect(nativeSidecarFor('1.28.3', {}, false)).toBe(false);
    expect(nativeSidecarFor('1.29.1', ann('false'), true)).toBe(false);
    expect(nativeSidecarFor('1.29.1', ann('true'), false)).toBe(true);
  });
});

describe('the sidecar template', () => {
  it('makes the proxy a native sidecar after istio-init, with the CRL volume from 1.27', () => {
    const pod = injectSidecar(
      appPod(),
      '1-28-3',
      '1.28.3',
      workload,
      undefined,
      true,
    );
    expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual([
      'istio-init',
      'istio-proxy',
    ]);
    expect(pod.spec.initContainers[1].restartPolicy).toBe('Always');
    expect(pod.spec.initContainers[1].lifecycle.preStop.exec.command).toEqual([
      'pilot-agent',
      'request',
      '--debug-port=15020',
      'POST',
      'drain',
    ]);
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual([
      'productpage',
    ]);
    const status = JSON.parse(
      pod.metadata.annotations['sidecar.istio.io/status'],
    );
    expect(status).toMatchObject({
      initContainers: ['istio-init', 'istio-proxy'],
      containers: null,
      revision: '1-28-3',
    });
    expect(status.volumes).toContain('istio-ca-crl');
    // Istio's volumes come first, as the template's strategic merge leaves them.
    expect(pod.spec.volumes[0].name).toBe('workload-socket');
    expect(pod.metadata.labels).toMatchObject({
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'productpage',
      'service.istio.io/canonical-revision': 'v1',
    });
    const env = Object.fromEntries(
      pod.spec.initContainers[1].env.map((e: any) => [e.name, e.value]),
    );
    expect(env.ISTIO_META_OWNER).toBe(
      'kubernetes://apis/apps/v1/namespaces/bookinfo/deployments/productpage-v1',
    );
    expect(env.ISTIO_META_POD_PORTS).toBe(
      '[\n    {"containerPort":9080,"protocol":"TCP"}\n]',
    );
  });

  it('keeps the proxy last among the containers before native sidecars, without the CRL before 1.27', () => {
    const pod = injectSidecar(
      appPod(),
      '1-10-4',
      '1.10.4',
      workload,
      undefined,
      true,
    );
    expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual([
      'istio-init',
    ]);
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual([
      'productpage',
      'istio-proxy',
    ]);
    expect(
      JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']).volumes,
    ).not.toContain('istio-ca-crl');
  });

  it('merges the pod’s Prometheus annotations into the agent’s', () => {
    const pod = injectSidecar(
      appPod({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9080',
        'prometheus.io/path': '/metrics',
      }),
      '1-28-3',
      '1.28.3',
      workload,
    );
    expect(pod.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '15020',
      'prometheus.io/path': '/stats/prometheus',
    });
    const proxy = pod.spec.containers.find(
      (c: any) => c.name === 'istio-proxy',
    );
    expect(proxy.env.at(-1)).toEqual({
      name: 'ISTIO_PROMETHEUS_ANNOTATIONS',
      value: '{"scrape":"true","path":"/metrics","port":"9080"}',
    });
    const optedOut = injectSidecar(
      appPod({ 'prometheus.io/scrape': 'false' }),
      '1-28-3',
      '1.28.3',
      workload,
    );
    expect(optedOut.metadata.annotations['prometheus.io/port']).toBeUndefined();
  });
});

describe('the gateway template', () => {
  const gatewayPod = () => ({
    metadata: {
      labels: {
        app: 'istio-ingressgateway-1-28-3',
        istio: 'ingressgateway',
        'app.kubernetes.io/name': 'istio-ingressgateway-1-28-3',
        'app.kubernetes.io/version': '1.28.3',
        version: '1-28-3',
      },
      annotations: { 'inject.istio.io/templates': 'gateway' },
    },
    spec: {
      containers: [
        {
          name: 'istio-proxy',
          image: 'auto',
          imagePullPolicy: 'Always',
          ports: [
            { containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' },
          ],
          resources: {
            limits: { cpu: '2', memory: '1Gi' },
            requests: { cpu: '100m', memory: '128Mi' },
          },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
    },
  });

  it('records the pod’s own istio-proxy in proxy.istio.io/overrides from 1.12, as Go writes it', () => {
    const pod = injectSidecar(
      gatewayPod(),
      '1-28-3',
      '1.28.3',
      { ...workload, name: 'istio-ingressgateway-1-28-3' },
      undefined,
      true,
    );
    expect(pod.metadata.annotations['proxy.istio.io/overrides']).toBe(
      '{"containers":[{"name":"istio-proxy","ports":[{"name":"http-envoy-prom","containerPort":15090,"protocol":"TCP"}],"resources":{"limits":{"cpu":"2","memory":"1Gi"},"requests":{"cpu":"100m","memory":"128Mi"}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"Always"}]}',
    );
    // No tlsMode label; the canonical labels from the pod's labels; no init container.
    expect(pod.metadata.labels['security.istio.io/tlsMode']).toBeUndefined();
    expect(pod.metadata.labels).toMatchObject({
      'service.istio.io/canonical-name': 'istio-ingressgateway-1-28-3',
      'service.istio.io/canonical-revision': '1.28.3',
    });
    expect(pod.spec.initContainers).toBeUndefined();
    expect(pod.spec.containers).toHaveLength(1);
    expect(pod.spec.containers[0]).toMatchObject({
      name: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.28.3',
      imagePullPolicy: 'Always',
    });
    expect(pod.spec.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
    ]);
    expect(
      injectSidecar(gatewayPod(), '1-11-0', '1.11.0', workload).metadata
        .annotations['proxy.istio.io/overrides'],
    ).toBeUndefined();
  });
});

describe("Kubernetes' admission around the webhook", () => {
  it('names the workload as GetDeployMetaFromPod does', () => {
    expect(
      deployMetaOf({
        generateName: 'productpage-v1-854bc7bf89-',
        namespace: 'bookinfo',
        labels: { 'pod-template-hash': '854bc7bf89' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'productpage-v1-854bc7bf89',
            controller: true,
          },
        ],
      }),
    ).toEqual(workload);
    // A StatefulSet's pod has a name of its own: Istio names it after itself.
    expect(
      deployMetaOf({
        name: 'search-index-0',
        namespace: 'search',
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            name: 'search-index',
            controller: true,
          },
        ],
      }),
    ).toEqual({
      name: 'search-index-0',
      namespace: 'search',
      kind: 'Pod',
      apiVersion: 'v1',
    });
  });

  it('mounts the service account token in every container once, and again after injection', () => {
    const spec = mountServiceAccountToken(
      { containers: [{ name: 'app' }], initContainers: [{ name: 'setup' }] },
      'seed',
    );
    const volume = spec.volumes[0].name;
    expect(volume).toMatch(/^kube-api-access-/);
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.volumeMounts).toEqual([
        {
          mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
          name: volume,
          readOnly: true,
        },
      ]);
    }
    const again = mountServiceAccountToken(
      {
        ...spec,
        initContainers: [...spec.initContainers, { name: 'istio-init' }],
      },
      'other',
    );
    expect(again.volumes).toHaveLength(1);
    expect(again.initContainers[1].volumeMounts[0].name).toBe(volume);
    expect(
      mountServiceAccountToken(
        { automountServiceAccountToken: false, containers: [{ name: 'a' }] },
        'x',
      ).volumes,
    ).toBeUndefined();
  });
});
