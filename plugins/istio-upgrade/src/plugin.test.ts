import { Entity } from '@backstage/catalog-model';
import {
  EntityIstioClusterContent,
  EntityIstioContent,
  EntityIstioRevisionCard,
  IstioMigrationTargetPickerFieldExtension,
  IstioUpgradePage,
  istioUpgradeApiRef,
  istioUpgradePlugin,
  isIstioAvailable,
  isKubernetesCluster,
} from './index';

describe('the legacy plugin', () => {
  it('provides its API and the fleet route', () => {
    expect(istioUpgradePlugin.getId()).toBe('istio-upgrade');
    expect(
      [...istioUpgradePlugin.getApis()].map(factory => factory.api.id),
    ).toEqual([istioUpgradeApiRef.id]);
    expect(istioUpgradePlugin.routes.root).toBeDefined();
  });

  it('exports the page, both tabs and the card as extensions', () => {
    for (const extension of [
      IstioUpgradePage,
      EntityIstioContent,
      EntityIstioClusterContent,
      EntityIstioRevisionCard,
      IstioMigrationTargetPickerFieldExtension,
    ]) {
      expect(typeof extension).toBe('function');
    }
  });

  it('shows the service tab for entities mapped to workloads, the cluster tab for clusters', () => {
    const component = (annotations: Record<string, string>): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'x', annotations },
    });
    expect(
      isIstioAvailable(component({ 'backstage.io/kubernetes-id': 'x' })),
    ).toBe(true);
    expect(
      isIstioAvailable(
        component({ 'backstage.io/kubernetes-label-selector': 'app=x' }),
      ),
    ).toBe(true);
    expect(isIstioAvailable(component({}))).toBe(false);
    expect(
      isKubernetesCluster({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: 'seed' },
        spec: { type: 'kubernetes-cluster' },
      }),
    ).toBe(true);
    expect(isKubernetesCluster(component({}))).toBe(false);
  });
});
