import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { mockIstioUpgradeApi } from '../__testUtils__/mockIstioUpgradeApi';
import { productpage, seedCluster } from '../__testUtils__/catalogFixtures';
import istioUpgradePlugin, {
  entityIstioClusterContent,
  entityIstioContent,
  entityIstioRevisionCard,
  istioFleetPage,
  istioMigrationTargetFormField,
  istioUpgradeApi,
} from './plugin';
import {
  IstioMigrationTargetPicker,
  validateMigrationTarget,
} from '../components/IstioMigrationTargetPicker';

const componentWithoutAnnotations: Entity = {
  ...productpage,
  metadata: { name: 'docs', namespace: 'default' },
};
const apiWithAnnotations: Entity = { ...productpage, kind: 'API' };
const otherResource: Entity = {
  ...seedCluster,
  spec: { type: 'database', owner: 'platform-team' },
};

// The catalog's entity page, which entity links resolve to.
const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

function apis() {
  return [
    [istioUpgradeApiRef, mockIstioUpgradeApi()],
    mockApis.permission(),
  ] as const;
}

describe('the /alpha plugin', () => {
  it('holds the API, the page, both tabs and the card', () => {
    expect(istioUpgradePlugin.pluginId).toBe('istio-upgrade');
    expect(String(istioUpgradeApi)).toContain('kind=api');
    for (const id of [
      'api:istio-upgrade',
      'page:istio-upgrade',
      'entity-content:istio-upgrade/service',
      'entity-content:istio-upgrade/cluster',
      'entity-card:istio-upgrade/revisions',
      'scaffolder-form-field:istio-upgrade/migration-target',
    ] as const) {
      expect(istioUpgradePlugin.getExtension(id)).toBeDefined();
    }
  });

  it("gives the scaffolder the template field IstioMigrationTargetPicker, loaded when the scaffolder's form asks", async () => {
    const tester = createExtensionTester(istioMigrationTargetFormField);
    const load = tester.get(FormFieldBlueprint.dataRefs.formFieldLoader);
    expect(await load()).toMatchObject({
      $$type: '@backstage/scaffolder/FormField',
      name: 'IstioMigrationTargetPicker',
      component: IstioMigrationTargetPicker,
      validation: validateMigrationTarget,
    });
  });

  it('filters the service tab to components with the Kubernetes annotations', () => {
    const tester = createExtensionTester(entityIstioContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/istio');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Istio');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(productpage)).toBe(true);
    expect(filter?.(componentWithoutAnnotations)).toBe(false);
    expect(filter?.(apiWithAnnotations)).toBe(false);
    expect(filter?.(seedCluster)).toBe(false);
  });

  it('filters the cluster tab to kubernetes-cluster Resources', () => {
    const tester = createExtensionTester(entityIstioClusterContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(seedCluster)).toBe(true);
    expect(filter?.(otherResource)).toBe(false);
    expect(filter?.(productpage)).toBe(false);
  });

  it('filters the card like the service tab', () => {
    const tester = createExtensionTester(entityIstioRevisionCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(productpage)).toBe(true);
    expect(filter?.(componentWithoutAnnotations)).toBe(false);
    expect(filter?.(seedCluster)).toBe(false);
  });

  it('renders the service tab', async () => {
    const tester = createExtensionTester(entityIstioContent, { apis: apis() });
    renderInTestApp(
      <EntityProvider entity={productpage}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: apis(), mountedRoutes },
    );
    expect(
      await screen.findByRole('button', { name: 'Migrate to 1-10-4' }),
    ).toBeInTheDocument();
  });

  it('renders the cluster tab', async () => {
    const tester = createExtensionTester(entityIstioClusterContent, {
      apis: apis(),
    });
    renderInTestApp(
      <EntityProvider entity={seedCluster}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: apis(), mountedRoutes },
    );
    expect(await screen.findByText('Istio on Lab cluster')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Request cutover' }),
    ).toBeInTheDocument();
  });

  it('renders the card', async () => {
    const tester = createExtensionTester(entityIstioRevisionCard, {
      apis: apis(),
    });
    renderInTestApp(
      <EntityProvider entity={productpage}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: apis(), mountedRoutes },
    );
    expect(await screen.findByText('Istio sidecars')).toBeInTheDocument();
    expect(await screen.findByTestId('revision-card-seed')).toBeInTheDocument();
  });

  it('renders the fleet page at /istio-upgrade', async () => {
    const tester = createExtensionTester(istioFleetPage, { apis: apis() });
    expect(tester.get(coreExtensionData.routePath)).toBe('/istio-upgrade');
    renderInTestApp(tester.reactElement(), { apis: apis(), mountedRoutes });
    expect(
      await screen.findByRole('heading', { name: 'Istio fleet' }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('fleet-cluster-seed')).toBeInTheDocument();
  });
});
