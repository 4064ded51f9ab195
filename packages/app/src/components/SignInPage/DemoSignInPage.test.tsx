import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  configApiRef,
  discoveryApiRef,
  IdentityApi,
} from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { DemoSignInPage } from './DemoSignInPage';

function session(name: string) {
  return {
    profile: { displayName: name },
    backstageIdentity: {
      token: 'a.eyJzdWIiOiJ4In0.b',
      identity: {
        type: 'user',
        userEntityRef: `user:default/${name}`,
        ownershipEntityRefs: [`user:default/${name}`],
      },
    },
  };
}

const fetchMock = jest.fn(async (_url: string, init?: RequestInit) => {
  const name = new Headers(init?.headers).get('x-demo-user') ?? '';
  if (name === 'mallory') {
    return new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: 'User not found' },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    );
  }
  return new Response(JSON.stringify(session(name)), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  });
});

async function renderPage(onSignInSuccess: (identity: IdentityApi) => void) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, mockApis.config({ data: { app: { title: 'Demo' } } })],
        [
          discoveryApiRef,
          { getBaseUrl: async (id: string) => `http://backend/api/${id}` },
        ],
      ]}
    >
      <DemoSignInPage onSignInSuccess={onSignInSuccess} />
    </TestApiProvider>,
  );
}

describe('DemoSignInPage', () => {
  const realFetch = global.fetch;
  beforeEach(() => {
    global.fetch = fetchMock as unknown as typeof global.fetch;
    fetchMock.mockClear();
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/');
  });
  afterAll(() => {
    global.fetch = realFetch;
  });

  it('offers the guest and the demo users', async () => {
    await renderPage(jest.fn());
    expect(
      screen.getByRole('heading', { name: 'Sign in as a demo user' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as alice' }),
    ).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('signs in as the chosen demo user through the demo provider', async () => {
    const onSignInSuccess = jest.fn();
    await renderPage(onSignInSuccess);
    await userEvent.click(screen.getByLabelText('Demo user'));
    await userEvent.click(await screen.findByRole('option', { name: /^Bob/ }));
    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in as bob' }),
    );
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    expect(fetchMock.mock.calls[0][0]).toBe(
      'http://backend/api/auth/demo/refresh',
    );
    const identity: IdentityApi = onSignInSuccess.mock.calls[0][0];
    expect(await identity.getBackstageIdentity()).toEqual(
      expect.objectContaining({ userEntityRef: 'user:default/bob' }),
    );
    expect(window.sessionStorage.getItem('istio-upgrade-demo:user')).toBe(
      'bob',
    );
    await identity.signOut();
    expect(window.sessionStorage.getItem('istio-upgrade-demo:user')).toBeNull();
  });

  it('signs in directly as ?demoUser=<name>', async () => {
    window.history.replaceState(null, '', '/catalog?demoUser=carol');
    const onSignInSuccess = jest.fn();
    await renderPage(onSignInSuccess);
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    expect(
      new Headers(fetchMock.mock.calls[0][1]?.headers).get('x-demo-user'),
    ).toBe('carol');
  });

  it('ignores a demoUser parameter that is not a plain user name', async () => {
    window.history.replaceState(null, '', '/?demoUser=user:default/carol');
    await renderPage(jest.fn());
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('shows a failed sign-in and goes back to the choice', async () => {
    window.history.replaceState(null, '', '/?demoUser=mallory');
    await renderPage(jest.fn());
    expect(
      await screen.findByText(/Could not sign in as mallory/),
    ).toBeInTheDocument();
    expect(screen.getByText('User not found')).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Back to sign-in' }),
    );
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(window.sessionStorage.getItem('istio-upgrade-demo:user')).toBeNull();
  });
});
