import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { demoUsersAuthModule } from './demoUsersAuthModule';

const USERS: Record<string, object> = {
  carol: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'carol', namespace: 'default' },
    spec: { memberOf: ['bookinfo-team'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/bookinfo-team' }],
  },
};

// The auth plugin looks users up through the catalog's REST API; this stands in for the catalog
// with one user, so that the test exercises the real sign-in path without a catalog database.
const fakeCatalog = createBackendPlugin({
  pluginId: 'catalog',
  register(reg) {
    reg.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        httpRouter.use((req, res) => {
          const match = /^\/entities\/by-name\/user\/default\/([^/]+)$/.exec(
            req.path,
          );
          const user = match ? USERS[match[1]] : undefined;
          if (user) {
            res.json(user);
          } else {
            res.status(404).json({
              error: { name: 'NotFoundError', message: 'not found' },
            });
          }
        });
      },
    });
  },
});

async function startAuth(demoConfig: object = {}) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      demoUsersAuthModule,
      fakeCatalog,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { providers: { demo: demoConfig } },
        },
      }),
    ],
  });
  return async (name?: string) => {
    const res = await fetch(
      `http://localhost:${server.port()}/api/auth/demo/refresh`,
      {
        headers: {
          'x-requested-with': 'XMLHttpRequest',
          ...(name !== undefined && { 'x-demo-user': name }),
        },
      },
    );
    return { status: res.status, body: await res.json() };
  };
}

describe('demoUsersAuthModule', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('signs in as the catalog user named by the x-demo-user header in development', async () => {
    process.env.NODE_ENV = 'development';
    const refresh = await startAuth();
    const res = await refresh('carol');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/carol',
      ownershipEntityRefs: expect.arrayContaining([
        'user:default/carol',
        'group:default/bookinfo-team',
      ]),
    });
  });

  it('refuses a user that the catalog does not have', async () => {
    process.env.NODE_ENV = 'development';
    const refresh = await startAuth();
    const res = await refresh('mallory');
    expect(res.status).toBe(404);
    expect(res.body.backstageIdentity).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an empty name', ''],
    ['an entity reference', 'user:default/carol'],
    ['capitals', 'Carol'],
    ['a path', '../carol'],
    ['a name that starts with a digit', '1carol'],
    ['a name longer than 63 characters', `a${'b'.repeat(63)}`],
  ])('refuses %s', async (_, name) => {
    process.env.NODE_ENV = 'development';
    const refresh = await startAuth();
    const res = await refresh(name);
    expect(res.status).toBe(400);
    expect(res.body.backstageIdentity).toBeUndefined();
  });

  it('refuses to work outside development', async () => {
    process.env.NODE_ENV = 'production';
    const refresh = await startAuth();
    const res = await refresh('carol');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'dangerouslyAllowOutsideDevelopment',
    );
  });

  it('works outside development only when dangerouslyAllowOutsideDevelopment is set', async () => {
    process.env.NODE_ENV = 'production';
    const refresh = await startAuth({
      dangerouslyAllowOutsideDevelopment: true,
    });
    const res = await refresh('carol');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity.userEntityRef).toBe(
      'user:default/carol',
    );
  });
});
