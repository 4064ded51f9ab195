import { screen, waitFor } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockIstioUpgradeApi } from '../../__testUtils__/mockIstioUpgradeApi';
import { productpage } from '../../__testUtils__/catalogFixtures';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { EntityIstioContent } from './EntityIstioContent';

describe('EntityIstioContent for a user who may not migrate', () => {
  it('disables Migrate and says why, next to the button and in its description', async () => {
    const authorize = jest.fn((): AuthorizeResult.DENY => AuthorizeResult.DENY);
    await renderIstio(<EntityIstioContent />, {
      api: mockIstioUpgradeApi(),
      entity: productpage,
      authorize,
    });
    const button = await screen.findByRole('button', {
      name: 'Migrate to 1-10-4',
    });
    await waitFor(() =>
      expect(button).toHaveAccessibleDescription(
        /You may not migrate the namespaces of productpage/,
      ),
    );
    expect(button).toBeDisabled();
    expect(
      screen.getByText(/You may not migrate the namespaces of productpage/),
    ).toBeVisible();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'istio-upgrade.namespace.migrate',
        }),
        resourceRef: 'component:default/productpage',
      }),
    );
  });
});
