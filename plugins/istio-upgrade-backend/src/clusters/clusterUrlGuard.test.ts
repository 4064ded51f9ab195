import { checkClusterUrl, isAllowedPrivateHost } from './clusterUrlGuard';

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

  it('allows private hosts that config names, in any case', async () => {
    await expect(
      checkClusterUrl('https://127.0.0.1:6443/clusters/seed', {
        allowedPrivateHosts: ['127.0.0.1'],
      }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkClusterUrl('https://Sim.LOCAL:8443', {
        allowedPrivateHosts: ['*.local'],
      }),
    ).resolves.toBeInstanceOf(URL);
  });

  it('never accepts plain HTTP, not even for an allowed private host: the token would travel in clear', async () => {
    for (const url of ['http://127.0.0.1:6443', 'http://sim.local:8080']) {
      await expect(
        checkClusterUrl(url, { allowedPrivateHosts: ['127.0.0.1', '*.local'] }),
      ).rejects.toThrow('must use HTTPS');
    }
  });

  it('does not let an allowed host name cover others', async () => {
    await expect(
      checkClusterUrl('https://127.0.0.2', {
        allowedPrivateHosts: ['127.0.0.1'],
      }),
    ).rejects.toThrow('non-public');
  });
});

describe('isAllowedPrivateHost', () => {
  it.each([
    ['127.0.0.1', ['127.0.0.1'], true],
    ['LocalHost', ['localhost'], true],
    ['localhost', ['LOCALHOST'], true],
    ['sim.local', ['*.local'], true],
    ['a.b.SIM.local', ['*.sim.local'], true],
    ['sim.local', ['*.sim.local'], true],
    ['evilsim.local', ['*.sim.local'], false],
    ['[::1]', ['::1'], true],
    ['127.0.0.2', ['127.0.0.1'], false],
    ['10.0.0.1', [], false],
  ] as const)('%s against %j: %s', (host, patterns, allowed) => {
    expect(isAllowedPrivateHost(host, patterns)).toBe(allowed);
  });
});
