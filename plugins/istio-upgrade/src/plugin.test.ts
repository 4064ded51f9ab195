import { createElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import { getComponentData } from '@backstage/core-plugin-api';
import { screen } from '@testing-library/react';
import { anEntityView } from './__testUtils__/entityViewFixtures';
import { mockIstioUpgradeApi } from './__testUtils__/mockIstioUpgradeApi';
import { productpage } from './__testUtils__/catalogFixtures';
import { renderIstio } from './__testUtils__/renderIstio';
import {
  IstioMigrationTargetPicker,
  validateMigrationTarget,
} from './components/IstioMigrationTargetPicker';
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

  it('ties the page, both tabs and the card to the plugin, and mounts the fleet page at its root route', () => {
    for (const Extension of [
      IstioUpgradePage,
      EntityIstioContent,
      EntityIstioClusterContent,
      EntityIstioRevisionCard,
    ]) {
      expect(getComponentData(createElement(Extension), 'core.plugin')).toBe(
        istioUpgradePlugin,
      );
    }
    expect(
      getComponentData(createElement(IstioUpgradePage), 'core.mountPoint'),
    ).toBe(istioUpgradePlugin.routes.root);
    expect(
      getComponentData(createElement(EntityIstioContent), 'core.mountPoint'),
    ).toBeUndefined();
  });

  it('registers the template field under the name templates use, with its validation', () => {
    expect(
      getComponentData(
        createElement(IstioMigrationTargetPickerFieldExtension),
        'scaffolder.extensions.field.v1',
      ),
    ).toEqual({
      name: 'IstioMigrationTargetPicker',
      component: IstioMigrationTargetPicker,
      validation: validateMigrationTarget,
    });
  });

  it('loads the revision card through its extension, for the entity around it', async () => {
    const api = mockIstioUpgradeApi({
      getEntityView: async () => anEntityView({ clusters: [] }),
    });
    await renderIstio(createElement(EntityIstioRevisionCard), {
      api,
      entity: productpage,
    });
    expect(
      await screen.findByText(
        'No workload of productpage runs in a synced cluster.',
      ),
    ).toBeInTheDocument();
    expect(api.getEntityView).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 'Component',
        namespace: 'default',
        name: 'productpage',
      }),
    );
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
