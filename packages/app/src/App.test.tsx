import { render, screen } from '@testing-library/react';
import App from './App';
import { DEMO_USERS } from './components/SignInPage';

describe('App', () => {
  const realEnv = process.env;
  beforeEach(() => {
    window.sessionStorage.clear();
    process.env = {
      NODE_ENV: 'test',
      // The app reads the config the bundler injects here: an array, not an environment string.
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as unknown as string,
    };
  });
  afterEach(() => {
    process.env = realEnv;
  });

  it("boots to the demo portal's own sign-in page (the guest or a demo user), nothing behind it", async () => {
    render(<App />);

    expect(
      await screen.findByRole(
        'heading',
        { name: 'Sign in as a demo user' },
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: `Sign in as ${DEMO_USERS[0].name}` }),
    ).toBeInTheDocument();

    // No page of the portal is reachable before sign-in.
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
  }, 60_000);
});
