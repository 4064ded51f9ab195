import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { aNamespace } from '../../__testUtils__/clusterFixtures';
import { NamespacesTable } from './NamespacesTable';

describe('NamespacesTable', () => {
  it('offers Migrate on namespaces that are not protected, and says why a protected one has none', async () => {
    const onMigrate = jest.fn();
    await renderInTestApp(
      <NamespacesTable
        namespaces={[
          aNamespace({ name: 'bookinfo', protected: false }),
          aNamespace({ name: 'istio-system', protected: true }),
        ]}
        palette={[]}
        activeRequests={new Map()}
        migrate={{ blocker: () => undefined, onMigrate }}
      />,
    );
    expect(
      screen.getByRole('button', { name: 'Migrate namespace bookinfo' }),
    ).toBeEnabled();
    expect(
      screen.queryByRole('button', { name: 'Migrate namespace istio-system' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('Protected: no request may change it'),
    ).toBeInTheDocument();
  });
});
