import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { TestApiRegistry } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { istioUpgradeApiRef } from '../../api/IstioUpgradeApi';
import {
  ALLOWED_1_10_4,
  anEntityView,
  anEntityViewWithTargets,
  BLOCKED_1_8_6,
} from '../../__testUtils__/entityViewFixtures';
import {
  backendError,
  mockIstioUpgradeApi,
} from '../../__testUtils__/mockIstioUpgradeApi';
import { renderIstio } from '../../__testUtils__/renderIstio';
import {
  IstioMigrationTargetPicker,
  MigrationTargetPickerUiOptions,
  validateMigrationTarget,
} from './IstioMigrationTargetPicker';
import { MigrationTargetValue } from './migrationTargets';

/** productpage in bookinfo on the seed cluster: 1-10-4 allowed, 1-8-6 blocked. */
const twoTargets = anEntityViewWithTargets([ALLOWED_1_10_4, BLOCKED_1_8_6]);

type Props = FieldExtensionComponentProps<
  MigrationTargetValue,
  MigrationTargetPickerUiOptions
>;

/** The props the scaffolder's form gives the field (only those the picker reads). */
function fieldProps(overrides: Partial<Props> & { entityRef?: string }) {
  const { entityRef, ...rest } = overrides;
  return {
    schema: { title: 'Target Istio revision', description: 'Pick one.' },
    uiSchema: { 'ui:options': { entityRefField: 'entityRef' } },
    idSchema: { $id: 'root_target' },
    formContext: { formData: entityRef ? { entityRef } : {} },
    onChange: jest.fn(),
    rawErrors: [],
    required: true,
    disabled: false,
    ...rest,
  } as unknown as Props & { onChange: jest.Mock };
}

describe('IstioMigrationTargetPicker', () => {
  it('asks for the service first', async () => {
    const api = mockIstioUpgradeApi();
    await renderIstio(<IstioMigrationTargetPicker {...fieldProps({})} />, {
      api,
    });
    expect(screen.getByText(/Pick your service first/)).toBeInTheDocument();
    expect(api.getEntityView).not.toHaveBeenCalled();
  });

  it("offers the service's allowed targets and shows the blocked ones disabled with the reason", async () => {
    const api = mockIstioUpgradeApi({ getEntityView: async () => twoTargets });
    const props = fieldProps({ entityRef: 'component:default/productpage' });
    await renderIstio(<IstioMigrationTargetPicker {...props} />, { api });

    expect(
      await screen.findByText(
        'Lab cluster · namespace bookinfo (asks for 1-9-7 today)',
      ),
    ).toBeInTheDocument();
    expect(api.getEntityView).toHaveBeenCalledWith({
      kind: 'component',
      namespace: 'default',
      name: 'productpage',
    });
    const allowed = screen.getByRole('radio', {
      name: /1-10-4 · Istio 1.10.4/,
    });
    const blocked = screen.getByRole('radio', { name: /1-8-6 · Istio 1.8.6/ });
    expect(allowed).toBeEnabled();
    expect(blocked).toBeDisabled();
    expect(
      screen.getByText(
        'Not offered: Istio 1.8.6 reached end of life on 2021-05-12',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('1.10.4, +1 minor from 1.9.7')).toBeInTheDocument();
    expect(screen.getByRole('radiogroup')).toHaveAccessibleName(
      /Target Istio revision/,
    );

    fireEvent.click(allowed);
    expect(props.onChange).toHaveBeenCalledWith({
      cluster: 'seed',
      namespace: 'bookinfo',
      revision: '1-10-4',
    });
  });

  it('shows the picked target as checked', async () => {
    const api = mockIstioUpgradeApi({ getEntityView: async () => twoTargets });
    const props = fieldProps({
      entityRef: 'component:default/productpage',
      formData: { cluster: 'seed', namespace: 'bookinfo', revision: '1-10-4' },
    });
    await renderIstio(<IstioMigrationTargetPicker {...props} />, { api });
    expect(await screen.findByRole('radio', { name: /1-10-4/ })).toBeChecked();
    expect(props.onChange).not.toHaveBeenCalled();
  });

  it('clears a target that is not one of the chosen service', async () => {
    const api = mockIstioUpgradeApi({ getEntityView: async () => twoTargets });
    const props = fieldProps({
      entityRef: 'component:default/productpage',
      formData: { cluster: 'seed', namespace: 'nginx', revision: '1-10-4' },
    });
    await renderIstio(<IstioMigrationTargetPicker {...props} />, { api });
    await waitFor(() => expect(props.onChange).toHaveBeenCalledWith(undefined));
  });

  it('says so when the service runs in no registered cluster, or has nowhere to move', async () => {
    const nowhere = mockIstioUpgradeApi({
      getEntityView: async () => anEntityView({ clusters: [] }),
    });
    const first = await renderIstio(
      <IstioMigrationTargetPicker
        {...fieldProps({ entityRef: 'component:default/productpage' })}
      />,
      { api: nowhere },
    );
    expect(
      await screen.findByText(
        /has no workloads in any cluster registered in the catalog \(selector backstage.io\/kubernetes-id=productpage\)/,
      ),
    ).toBeInTheDocument();
    first.unmount();

    const noTargets = mockIstioUpgradeApi({
      getEntityView: async () => anEntityViewWithTargets([]),
    });
    await renderIstio(
      <IstioMigrationTargetPicker
        {...fieldProps({ entityRef: 'component:default/productpage' })}
      />,
      { api: noTargets },
    );
    expect(
      await screen.findByText(
        'No namespace of component:default/productpage has a newer Istio revision to move to.',
      ),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the view cannot be read", async () => {
    const api = mockIstioUpgradeApi({
      getEntityView: async () => {
        throw await backendError({
          status: 403,
          name: 'NotAllowedError',
          message: 'You may not read it',
        });
      },
    });
    await renderIstio(
      <IstioMigrationTargetPicker
        {...fieldProps({ entityRef: 'component:default/productpage' })}
      />,
      { api },
    );
    expect(
      await screen.findByText(
        /Could not read the Istio revisions of component:default\/productpage: You may not read it/,
      ),
    ).toBeInTheDocument();
  });
});

describe('validateMigrationTarget', () => {
  async function validate(
    value: Partial<MigrationTargetValue>,
    options: {
      entityRef?: string;
      api?: ReturnType<typeof mockIstioUpgradeApi>;
    },
  ) {
    const validation = createFieldValidation();
    await validateMigrationTarget(value as MigrationTargetValue, validation, {
      apiHolder: options.api
        ? TestApiRegistry.from([istioUpgradeApiRef, options.api])
        : TestApiRegistry.from(),
      formData: options.entityRef ? { entityRef: options.entityRef } : {},
      schema: {},
      uiSchema: { 'ui:options': { entityRefField: 'entityRef' } },
    });
    return validation.__errors;
  }

  it('accepts an allowed target of the service, checked with the backend', async () => {
    const api = mockIstioUpgradeApi({ getEntityView: async () => twoTargets });
    expect(
      await validate(
        { cluster: 'seed', namespace: 'bookinfo', revision: '1-10-4' },
        { entityRef: 'component:default/productpage', api },
      ),
    ).toEqual([]);
    expect(api.getEntityView).toHaveBeenCalledTimes(1);
  });

  it('refuses a blocked target, an unknown one, and a target without a service', async () => {
    const api = mockIstioUpgradeApi({ getEntityView: async () => twoTargets });
    const entityRef = 'component:default/productpage';
    expect(
      await validate(
        { cluster: 'seed', namespace: 'bookinfo', revision: '1-8-6' },
        { entityRef, api },
      ),
    ).toEqual(['Istio 1.8.6 reached end of life on 2021-05-12']);
    expect(
      await validate(
        { cluster: 'seed', namespace: 'bookinfo', revision: '1-99-0' },
        { entityRef, api },
      ),
    ).toEqual([
      '1-99-0 is not a revision namespace bookinfo of cluster seed can move to',
    ]);
    expect(
      await validate(
        { cluster: 'seed', namespace: 'bookinfo', revision: '1-10-4' },
        { api },
      ),
    ).toEqual(['Pick your service first']);
  });

  it('says why it could not check', async () => {
    const api = mockIstioUpgradeApi({
      getEntityView: async () => {
        throw new Error('connection refused');
      },
    });
    expect(
      await validate(
        { cluster: 'seed', namespace: 'bookinfo', revision: '1-10-4' },
        { entityRef: 'component:default/productpage', api },
      ),
    ).toEqual([
      'Could not check the target with the istio-upgrade backend: connection refused',
    ]);
    expect(
      await validate(
        { cluster: 'seed', namespace: 'bookinfo', revision: '1-10-4' },
        { entityRef: 'component:default/productpage' },
      ),
    ).toEqual([
      'The istio-upgrade plugin is not installed in this app: its API is missing',
    ]);
  });
});
