import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { istioUpgradePlugin } from './plugin';

const CA = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n',
).toString('base64');

const cluster = (name: string, annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, annotations },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/platform' }],
});

const entities = [
  cluster('prod-eu', {
    'kubernetes.io/api-server': 'https://127.0.0.1:1/clusters/prod-eu',
    'kubernetes.io/api-server-certificate-authority': CA,
    'kubernetes.io/auth-provider': 'serviceAccount',
  }),
  cluster('gke', {
    'kubernetes.io/api-server': 'https://127.0.0.1:6443/clusters/gke',
    'kubernetes.io/auth-provider': 'google',
  }),
  cluster('no-token', {
    'kubernetes.io/api-server': 'https://127.0.0.1:6443/clusters/x',
    'kubernetes.io/auth-provider': 'serviceAccount',
  }),
  cluster('internal', {
    'kubernetes.io/api-server': 'https://10.0.0.1',
    'kubernetes.io/auth-provider': 'serviceAccount',
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'not-a-cluster' },
    spec: { type: 'service' },
  },
];

const config = {
  istioUpgrade: {
    clusters: {
      allowedPrivateHosts: ['127.0.0.1'],
      credentials: {
        'prod-eu': { serviceAccountToken: 'secret-token-value' },
        gke: { serviceAccountToken: 'another-secret' },
        internal: { serviceAccountToken: 'third-secret' },
      },
    },
  },
};

async function start(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      istioUpgradePlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({ data: config }),
      mockServices.permissions.factory({ result: permission }),
    ],
  });
  return server;
}

describe('GET /api/istio-upgrade/clusters', () => {
  it('lists the catalog-registered clusters with a clear status each', async () => {
    const server = await start();
    const res = await request(server).get('/api/istio-upgrade/clusters');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'gke',
        status: 'unsupported-auth-provider',
        message: expect.stringContaining('"google" is not supported'),
      }),
      expect.objectContaining({
        name: 'internal',
        status: 'refused-url',
        message: expect.stringContaining('non-public'),
      }),
      expect.objectContaining({
        name: 'no-token',
        status: 'no-credentials',
        message: expect.stringContaining(
          'istioUpgrade.clusters.credentials.no-token',
        ),
      }),
      {
        name: 'prod-eu',
        entityRef: 'resource:default/prod-eu',
        owner: 'group:default/platform',
        apiServerHost: '127.0.0.1:1',
        sync: expect.objectContaining({ complete: false }),
        status: 'ready',
      },
    ]);
  });

  it('never serves a token or the CA', async () => {
    const server = await start();
    const res = await request(server).get('/api/istio-upgrade/clusters');
    expect(res.text).not.toMatch(/secret|BEGIN CERTIFICATE|MIIB/);
  });

  it('answers 401 without credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/istio-upgrade/clusters')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('answers 403 when the read permission is denied', async () => {
    const server = await start(AuthorizeResult.DENY);
    const res = await request(server).get('/api/istio-upgrade/clusters');
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });
});
