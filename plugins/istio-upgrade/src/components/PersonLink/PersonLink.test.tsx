import { screen } from '@testing-library/react';
import { renderIstio } from '../../__testUtils__/renderIstio';
import { PersonLink, PersonLinks } from './PersonLink';

describe('PersonLink', () => {
  it("shows a user by the catalog's display name, linked to their entity page", async () => {
    await renderIstio(<PersonLink entityRef="user:default/carol" />);
    expect(
      await screen.findByRole('link', { name: 'Carol (bookinfo)' }),
    ).toHaveAttribute('href', '/catalog/default/user/carol');
  });

  it('falls back to the name of a user the catalog does not hold, still linked', async () => {
    await renderIstio(<PersonLink entityRef="user:default/zoe" />);
    expect(await screen.findByRole('link', { name: 'zoe' })).toHaveAttribute(
      'href',
      '/catalog/default/user/zoe',
    );
  });

  it('shows a service that asked on its own behalf as its ref, without a link', async () => {
    await renderIstio(<PersonLink entityRef="plugin:scaffolder" />);
    expect(screen.getByText('plugin:scaffolder')).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  it('shows the name without a link where a link would compete with a form control', async () => {
    await renderIstio(
      <PersonLink entityRef="user:default/erin" link={false} />,
    );
    expect(await screen.findByText('Erin (ratings)')).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });
});

describe('PersonLinks', () => {
  it('lists people separated by commas, each linked', async () => {
    await renderIstio(
      <p data-testid="owners">
        <PersonLinks entityRefs={['user:default/alice', 'user:default/bob']} />
      </p>,
    );
    expect(
      await screen.findByRole('link', { name: 'Bob (platform)' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('owners')).toHaveTextContent(
      'Alice (platform), Bob (platform)',
    );
  });
});
