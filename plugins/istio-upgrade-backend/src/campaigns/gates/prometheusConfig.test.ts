import { ConfigReader } from '@backstage/config';
import { HealthGate } from './healthGate';
import {
  prometheusTargetFor,
  readPrometheusSettings,
} from './prometheusConfig';

const SECRET = 'tok-5b1e9c0d';

function settingsOf(prometheus: unknown) {
  return readPrometheusSettings(
    new ConfigReader({ istioUpgrade: { campaigns: { prometheus } } } as any),
  );
}

function errorOf(prometheus: unknown): Error {
  try {
    settingsOf(prometheus);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the config to be refused');
}

describe('readPrometheusSettings', () => {
  it("reads each cluster's Prometheus and the '*' default", () => {
    const settings = settingsOf({
      '*': { url: 'http://127.0.0.1:9090/', clusterLabel: 'cluster' },
      'prod-eu': {
        url: 'https://prometheus.eu.example/prom',
        token: ` ${SECRET} `,
        headers: { 'X-Scope-OrgID': 'eu' },
        timeout: { seconds: 3 },
      },
    });
    expect(prometheusTargetFor(settings, 'staging')).toEqual({
      url: 'http://127.0.0.1:9090',
      clusterLabel: 'cluster',
      headers: {},
      timeoutMs: 10_000,
    });
    expect(prometheusTargetFor(settings, 'prod-eu')).toEqual({
      url: 'https://prometheus.eu.example/prom',
      clusterLabel: undefined,
      headers: { 'X-Scope-OrgID': 'eu', Authorization: `Bearer ${SECRET}` },
      timeoutMs: 3000,
    });
  });

  it('has no Prometheus for any cluster without config', () => {
    const settings = readPrometheusSettings(new ConfigReader({}));
    expect(settings.targets.size).toBe(0);
    expect(prometheusTargetFor(settings, 'prod-eu')).toBeUndefined();
  });

  it.each([
    [
      { '*': { url: 'ftp://prometheus.example' } },
      /\["\*"\]\.url must be an http or https URL/,
    ],
    [{ '*': { url: 'not a url' } }, /\["\*"\]\.url is not a URL/],
    [{ '*': {} }, /\["\*"\]\.url is missing/],
    [{ eu: 'http://x' }, /\["eu"\] must be an object with a url/],
    [
      { eu: { url: 'http://x', clusterLabel: 'not-a-label' } },
      /clusterLabel must be a Prometheus label name/,
    ],
    [{ eu: { url: 'http://x?tenant=1' } }, /must not have a query or fragment/],
    [
      { eu: { url: 'http://x', timeout: { seconds: 0 } } },
      /timeout must be longer than zero/,
    ],
  ])('refuses %j', (prometheus, message) => {
    expect(errorOf(prometheus)).toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
  });

  it('never puts a token, a header value or a URL with a password in its errors', () => {
    const errors = [
      errorOf({ eu: { url: `https://admin:${SECRET}@prometheus.example` } }),
      errorOf({ eu: { url: `https//${SECRET}` } }),
      errorOf({ eu: { url: 'https://p.example', token: `two ${SECRET}` } }),
      errorOf({
        eu: {
          url: 'https://p.example',
          token: 'other',
          headers: { Authorization: `Bearer ${SECRET}` },
        },
      }),
      errorOf({
        eu: {
          url: 'https://p.example',
          headers: { 'X-Key': `${SECRET}\nX-Evil: 1` },
        },
      }),
    ];
    expect(errors.map(e => e.message)).toEqual([
      'istioUpgrade.campaigns.prometheus["eu"].url must not carry credentials; set istioUpgrade.campaigns.prometheus["eu"].token or istioUpgrade.campaigns.prometheus["eu"].headers instead',
      'istioUpgrade.campaigns.prometheus["eu"].url is not a URL',
      'istioUpgrade.campaigns.prometheus["eu"].token must not contain whitespace',
      'istioUpgrade.campaigns.prometheus["eu"] sets both token and an Authorization header; keep one',
      'istioUpgrade.campaigns.prometheus["eu"].headers.X-Key must be a one-line string',
    ]);
    for (const error of errors) {
      expect(`${error.message} ${error.stack}`).not.toContain(SECRET);
    }
  });
});

describe('HealthGate without a Prometheus for the cluster', () => {
  const gate = HealthGate.fromConfig(
    new ConfigReader({
      istioUpgrade: {
        campaigns: { prometheus: { 'prod-eu': { url: 'http://127.0.0.1:9' } } },
      },
    }),
  );

  it('says which clusters are gated', () => {
    expect(gate.configuredFor('prod-eu')).toBe(true);
    expect(gate.configuredFor('staging')).toBe(false);
  });

  it('passes every subject, not gated, without asking anyone', async () => {
    const verdicts = await gate.judge(
      'staging',
      [
        { kind: 'namespace', namespace: 'bookinfo' },
        {
          kind: 'gateway',
          namespace: 'istio-ingress',
          name: 'istio-ingressgateway',
        },
      ],
      new Date('2026-12-02T10:00:00Z'),
      new Date('2026-12-02T10:10:00Z'),
    );
    expect(verdicts).toStrictEqual([
      {
        subject: { kind: 'namespace', namespace: 'bookinfo' },
        outcome: 'passed',
        reason: 'no Prometheus configured for staging: not gated',
      },
      {
        subject: {
          kind: 'gateway',
          namespace: 'istio-ingress',
          name: 'istio-ingressgateway',
        },
        outcome: 'passed',
        reason: 'no Prometheus configured for staging: not gated',
      },
    ]);
    await expect(
      gate.measure(
        'staging',
        { kind: 'namespace', namespace: 'bookinfo' },
        new Date(),
        60,
      ),
    ).rejects.toThrow('no Prometheus configured for staging');
  });

  it('refuses an after window that does not end after the before window', async () => {
    const at = new Date('2026-12-02T10:00:00Z');
    await expect(gate.judge('prod-eu', [], at, at)).rejects.toThrow(
      'the after window must end at least 1 second after the before window',
    );
  });
});
