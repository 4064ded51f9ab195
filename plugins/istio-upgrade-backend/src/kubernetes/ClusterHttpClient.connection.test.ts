import https from 'node:https';
import { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../testing/__testUtils__/selfSignedCertificate';
import { ClusterHttpClient, HostResolver } from './ClusterHttpClient';
import { RateLimiter } from './RateLimiter';

describe('ClusterHttpClient connections', () => {
  const seen: string[] = [];
  let server: https.Server;
  let port: number;
  let tls: { key: string; cert: string };

  beforeAll(async () => {
    tls = selfSignedCertificate();
    server = https.createServer(tls, (req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('Content-Type', 'application/json');
      res.end('{"kind":"NamespaceList","items":[]}');
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise(r => server.close(r)));

  it.each([
    [
      'a server URL without a path, as real API servers have',
      '',
      '/api/v1/namespaces',
    ],
    ['a server URL ending in a slash', '/', '/api/v1/namespaces'],
    [
      'a server URL with a path',
      '/clusters/prod',
      '/clusters/prod/api/v1/namespaces',
    ],
    [
      'a server URL with a path and a slash',
      '/clusters/prod/',
      '/clusters/prod/api/v1/namespaces',
    ],
  ])('calls the API below %s', async (_, suffix, expected) => {
    const client = new ClusterHttpClient(
      {
        name: 'paths',
        url: new URL(`https://127.0.0.1:${port}${suffix}`),
        caPem: tls.cert,
        token: 'token',
        skipTlsVerify: false,
      },
      new RateLimiter(100, 100),
      { allowPrivateAddress: true },
    );
    await client.request({ path: '/api/v1/namespaces', query: { limit: 5 } });
    client.close();
    expect(seen.pop()).toBe(`${expected}?limit=5`);
  });

  const client = (
    host: string,
    options: { allowPrivateAddress: boolean; resolver?: HostResolver },
  ) =>
    new ClusterHttpClient(
      {
        name: 'dns',
        url: new URL(`https://${host}:${port}`),
        caPem: tls.cert,
        token: 'token',
        // The certificate names 127.0.0.1, not the host names below.
        skipTlsVerify: true,
      },
      new RateLimiter(100, 100),
      options,
    );
  // A name that passed the URL guard as public, and resolves to loopback when the connection opens.
  const rebinding: HostResolver = (_, callback) =>
    callback(null, [{ address: '127.0.0.1', family: 4 }]);

  it('refuses a host that resolves to a private address when it connects (DNS rebinding)', async () => {
    const before = seen.length;
    const rebound = client('api.cluster.example.com', {
      allowPrivateAddress: false,
      resolver: rebinding,
    });
    await expect(
      rebound.request({ path: '/api/v1/namespaces' }),
    ).rejects.toThrow(/resolves to a non-public address/);
    rebound.close();
    expect(seen.length).toBe(before);
  });

  it('connects to such a host when config allows it', async () => {
    const allowed = client('api.cluster.example.com', {
      allowPrivateAddress: true,
      resolver: rebinding,
    });
    await allowed.request({ path: '/api/v1/namespaces' });
    allowed.close();
    expect(seen.pop()).toBe('/api/v1/namespaces');
  });

  it('refuses to be built for plain HTTP, so the token never travels in clear', () => {
    expect(
      () =>
        new ClusterHttpClient(
          {
            name: 'plain',
            url: new URL(`http://127.0.0.1:${port}`),
            token: 'token',
            skipTlsVerify: false,
          },
          new RateLimiter(100, 100),
          { allowPrivateAddress: true },
        ),
    ).toThrow(/must use HTTPS/);
  });
});
