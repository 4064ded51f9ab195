import { checkClusterUrl } from './clusterUrlGuard';

const resolveTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe('checkClusterUrl', () => {
  it('accepts an HTTPS URL with a path on a public host', async () => {
    const url = await checkClusterUrl(
      'https://k8s.example.com:6443/clusters/prod',
      {
        resolve: resolveTo('93.184.216.34'),
      },
    );
    expect(url.pathname).toBe('/clusters/prod');
  });

  it.each([
    ['http://k8s.example.com', 'must use HTTPS'],
    ['ftp://k8s.example.com', 'must use HTTPS'],
    ['https://user:pw@k8s.example.com', 'must not contain credentials'],
    ['not a url', 'not a valid URL'],
    ['https://127.0.0.1:6443', 'non-public'],
    ['https://10.1.2.3', 'non-public'],
    ['https://169.254.169.254', 'non-public'],
    ['https://[::1]:6443', 'non-public'],
    ['https://[::ffff:127.0.0.1]', 'non-public'],
    ['https://k8s.example.com?x=1', 'query or fragment'],
  ])('refuses %s', async (url, message) => {
    await expect(
      checkClusterUrl(url, { resolve: resolveTo('93.184.216.34') }),
    ).rejects.toThrow(message);
  });

  it('refuses a host name that resolves to a private address', async () => {
    await expect(
      checkClusterUrl('https://internal.example.com', {
        resolve: resolveTo('93.184.216.34', '192.168.1.10'),
      }),
    ).rejects.toThrow('non-public');
  });

  it('allows private and plain-HTTP hosts that config names', async () => {
    await expect(
      checkClusterUrl('https://127.0.0.1:6443/clusters/seed', {
        allowedPrivateHosts: ['127.0.0.1'],
      }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkClusterUrl('http://sim.local:8080', {
        allowedPrivateHosts: ['*.local'],
      }),
    ).resolves.toBeInstanceOf(URL);
  });

  it('does not let an allowed host name cover others', async () => {
    await expect(
      checkClusterUrl('https://127.0.0.2', {
        allowedPrivateHosts: ['127.0.0.1'],
      }),
    ).rejects.toThrow('non-public');
  });
});
