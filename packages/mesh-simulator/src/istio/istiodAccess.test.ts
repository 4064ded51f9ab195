import { istiodAccessObjects } from './istiodAccess';

const names = (version: string, replicas = 1) =>
  istiodAccessObjects('1-x', version, { replicas }).map(
    o => `${o.kind} ${o.metadata.name}`,
  );

describe('istiodAccessObjects', () => {
  it('follows the chart across versions: RBAC from 1.11, the gateway controller from 1.12, the PDB from 1.28 only above one replica', () => {
    expect(names('1.10.4')).toEqual([
      'HorizontalPodAutoscaler istiod-1-x',
      'PodDisruptionBudget istiod-1-x',
    ]);
    expect(names('1.11.8')).not.toContain(
      'ClusterRole istiod-gateway-controller-1-x-istio-system',
    );
    expect(names('1.11.8')).toContain('ServiceAccount istiod-1-x');
    expect(names('1.27.3')).toContain('PodDisruptionBudget istiod-1-x');
    expect(names('1.28.3')).not.toContain('PodDisruptionBudget istiod-1-x');
    expect(names('1.28.3', 2)).toContain('PodDisruptionBudget istiod-1-x');
    expect(names('1.29.1')).toEqual([
      'ServiceAccount istiod-1-x',
      'ClusterRole istiod-clusterrole-1-x-istio-system',
      'ClusterRoleBinding istiod-clusterrole-1-x-istio-system',
      'ClusterRole istiod-gateway-controller-1-x-istio-system',
      'ClusterRoleBinding istiod-gateway-controller-1-x-istio-system',
      'ClusterRole istio-reader-clusterrole-1-x-istio-system',
      'ClusterRoleBinding istio-reader-clusterrole-1-x-istio-system',
      'Role istiod-1-x',
      'RoleBinding istiod-1-x',
      'HorizontalPodAutoscaler istiod-1-x',
    ]);
  });

  it('labels as the chart does: the Helm labels from 1.24, the revision only on the HPA and PDB unless istioctl applied them', () => {
    const [sa, , , , , reader] = istiodAccessObjects('1-x', '1.23.6');
    expect(sa.metadata.labels).toEqual({
      app: 'istiod',
      release: 'istiod-1-x',
    });
    expect(reader.metadata.labels).toEqual({
      app: 'istio-reader',
      release: 'istiod-1-x',
    });
    const pdb = istiodAccessObjects('default', '1.23.6').find(
      o => o.kind === 'PodDisruptionBudget',
    )!;
    expect(pdb.metadata.labels).toMatchObject({
      'istio.io/rev': 'default',
      istio: 'pilot',
      release: 'istiod',
    });
    expect(pdb.spec.selector.matchLabels).toEqual({
      app: 'istiod',
      istio: 'pilot',
    });
    const [byIstioctl] = istiodAccessObjects('1-x', '1.29.1', {
      byIstioctl: true,
    });
    expect(byIstioctl.metadata.labels).toMatchObject({
      'istio.io/rev': '1-x',
      'operator.istio.io/component': 'Pilot',
      'app.kubernetes.io/name': 'istiod',
      'helm.sh/chart': 'istiod-1.29.1',
    });
  });

  it('names cluster-scoped objects after the release namespace (a Sail control plane’s)', () => {
    const objects = istiodAccessObjects('default', '1.30.4', {
      namespace: 'istio-cp',
    });
    expect(objects[1].metadata.name).toBe('istiod-clusterrole-istio-cp');
    expect(objects[2].subjects).toEqual([
      { kind: 'ServiceAccount', name: 'istiod', namespace: 'istio-cp' },
    ]);
    expect(objects[0].metadata.namespace).toBe('istio-cp');
  });
});
