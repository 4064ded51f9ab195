import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CreateCampaign } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ConfigReader } from '@backstage/config';
import { readCampaignSettings } from '../campaignConfig';
import { MAINTENANCE_WINDOWS_ANNOTATION } from '../windows/maintenanceWindows';
import { normalizeCampaignSpec, validateCampaign } from './validateCampaign';

function cluster(
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, labels, annotations },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  };
}

const clusterEntities = [
  cluster('staging', { env: 'staging' }),
  cluster('prod-eu-1', { env: 'prod', region: 'eu' }),
  cluster('prod-eu-2', { env: 'prod', region: 'eu' }),
  cluster('prod-us-1', { env: 'prod', region: 'us' }),
  cluster('lab', { env: 'lab' }, { [MAINTENANCE_WINDOWS_ANNOTATION]: 'Mon' }),
];

const body = (overrides: Partial<CreateCampaign> = {}): CreateCampaign => ({
  name: 'to 1.31',
  targetVersion: '1.31.0',
  rings: [
    { name: 'staging', clusters: ['staging'] },
    { name: 'prod-eu', labels: { region: 'eu' } },
    { name: 'prod-us', clusters: ['prod-us-1'] },
  ],
  ...overrides,
});

const validate = (campaign: CreateCampaign, entities = clusterEntities) =>
  validateCampaign(campaign, { clusterEntities: entities });

describe('validateCampaign', () => {
  it('returns the rings with their clusters named', () => {
    expect(validate(body())).toEqual([
      { name: 'staging', clusters: ['staging'], continueOnUnreachable: false },
      {
        name: 'prod-eu',
        clusters: ['prod-eu-1', 'prod-eu-2'],
        continueOnUnreachable: false,
      },
      {
        name: 'prod-us',
        clusters: ['prod-us-1'],
        continueOnUnreachable: false,
      },
    ]);
  });

  describe('refuses an empty ring', () => {
    it('listing no clusters, with an InputError', () => {
      expect(() =>
        validate(body({ rings: [{ name: 'staging', clusters: [] }] })),
      ).toThrow(InputError);
      expect(() =>
        validate(body({ rings: [{ name: 'staging', clusters: [] }] })),
      ).toThrow(
        /rings\[0\] \(staging\) is empty: its list of clusters is empty/,
      );
    });

    it('whose conditions match nothing', () => {
      expect(() =>
        validate(
          body({
            rings: [
              { name: 'staging', clusters: ['staging'] },
              { name: 'apac', owner: 'team-apac', labels: { region: 'ap' } },
            ],
          }),
        ),
      ).toThrow(
        /rings\[1\] \(apac\) is empty: no cluster in the catalog matches its owner team-apac, labels/,
      );
    });

    it('with nothing to choose clusters by', () => {
      expect(() => validate(body({ rings: [{ name: 'all' }] }))).toThrow(
        /rings\[0\] \(all\) is empty: it names no clusters and no owner, labels or annotations/,
      );
    });
  });

  it('refuses an unknown cluster', () => {
    expect(() =>
      validate(
        body({
          rings: [{ name: 'prod', clusters: ['prod-eu-1', 'prod-ap-1'] }],
        }),
      ),
    ).toThrow(/unknown cluster "prod-ap-1"/);
  });

  it('refuses the same cluster in two rings, by name or by condition', () => {
    expect(() =>
      validate(
        body({
          rings: [
            { name: 'first', clusters: ['prod-eu-1'] },
            { name: 'eu', labels: { region: 'eu' } },
          ],
        }),
      ),
    ).toThrow(/cluster prod-eu-1 is in two rings, first and eu/);
  });

  it('refuses two rings of one name', () => {
    expect(() =>
      validate(
        body({
          rings: [
            { name: 'prod', clusters: ['prod-eu-1'] },
            { name: 'prod', clusters: ['prod-us-1'] },
          ],
        }),
      ),
    ).toThrow(/two rings are named "prod"/);
  });

  it.each([
    [-1, 'below zero'],
    [30 * 24 * 3600 + 1, 'above 30 days'],
    [1.5, 'not whole'],
  ])('refuses a soak time of %p seconds (%s)', soakSeconds => {
    expect(() => validate(body({ soakSeconds }))).toThrow(
      /soakSeconds: .* is not a whole number of seconds from 0 to 2,592,000 \(30 days\)/,
    );
  });

  it('accepts a soak time of zero and of exactly 30 days', () => {
    expect(() => validate(body({ soakSeconds: 0 }))).not.toThrow();
    expect(() => validate(body({ soakSeconds: 30 * 24 * 3600 }))).not.toThrow();
  });

  it('refuses 10,000 clusters in one request, saying the limit, before reading the catalog', () => {
    const clusters = Array.from({ length: 10_000 }, (_, i) => `c-${i}`);
    expect(() =>
      validate(body({ rings: [{ name: 'all', clusters }] })),
    ).toThrow(
      /the campaign lists 10,000 clusters; one campaign takes at most 1,000/,
    );
  });

  it('refuses more than 1,000 clusters chosen by condition', () => {
    const many = Array.from({ length: 1001 }, (_, i) =>
      cluster(`c-${i}`, { fleet: 'big' }),
    );
    expect(() =>
      validate(
        body({ rings: [{ name: 'all', labels: { fleet: 'big' } }] }),
        many,
      ),
    ).toThrow(
      /the campaign has 1,001 clusters; one campaign takes at most 1,000/,
    );
  });

  it('lets waves order a namespace a cluster may lack, but not order and exclude one', () => {
    expect(() =>
      validate(
        body({ waves: { order: ['not-everywhere'], exclude: ['legacy'] } }),
      ),
    ).not.toThrow();
    expect(() =>
      validate(
        body({ waves: { order: ['shop', 'legacy'], exclude: ['legacy'] } }),
      ),
    ).toThrow(/waves: namespace "legacy" is both in order and in exclude/);
  });

  describe('windows', () => {
    const window = {
      days: ['mon' as const],
      start: '02:00',
      end: '06:00',
      timeZone: 'UTC',
    };

    it('refuses malformed windows, naming the cluster', () => {
      expect(() =>
        validate(
          body({ windows: { 'prod-eu-1': [{ ...window, start: '2am' }] } }),
        ),
      ).toThrow(
        /windows\.prod-eu-1: window 1: start "2am" is not a time HH:MM/,
      );
    });

    it('refuses overlapping windows', () => {
      expect(() =>
        validate(
          body({
            windows: {
              '*': [window, { ...window, start: '05:00', end: '07:00' }],
            },
          }),
        ),
      ).toThrow(/windows\.\*: window 1 .* overlaps window 2/);
    });

    it('refuses an unknown time zone', () => {
      expect(() =>
        validate(
          body({
            windows: { 'prod-us-1': [{ ...window, timeZone: 'US/Nowhere' }] },
          }),
        ),
      ).toThrow(
        /windows\.prod-us-1: window 1: "US\/Nowhere" is not a known IANA time zone/,
      );
    });

    it('refuses windows for an unknown cluster or one outside the campaign', () => {
      expect(() =>
        validate(body({ windows: { 'prod-ap-1': [window] } })),
      ).toThrow(/windows\.prod-ap-1: unknown cluster/);
      expect(() => validate(body({ windows: { lab: [window] } }))).toThrow(
        /windows\.lab: cluster lab is in none of the campaign's rings/,
      );
    });

    it('refuses a malformed annotation of a campaign cluster unless the request sets its windows', () => {
      const withLab = body({
        rings: [{ name: 'lab', clusters: ['lab'] }],
      });
      expect(() => validate(withLab)).toThrow(
        /resource:default\/lab: annotation istio-upgrade.io\/maintenance-windows: window 1 "Mon" is not/,
      );
      expect(() =>
        validate({ ...withLab, windows: { '*': [window] } }),
      ).not.toThrow();
      expect(() =>
        validate({ ...withLab, windows: { lab: [] } }),
      ).not.toThrow();
      // A cluster outside the campaign may have any annotation.
      expect(() => validate(body())).not.toThrow();
    });
  });

  it('refuses a revision for a cluster outside the campaign', () => {
    expect(() =>
      validate(body({ revisions: { 'prod-ap-1': '1-31-0' } })),
    ).toThrow(/revisions\.prod-ap-1: unknown cluster/);
  });
});

describe('normalizeCampaignSpec', () => {
  const settings = readCampaignSettings(
    new ConfigReader({
      istioUpgrade: {
        campaigns: {
          defaultSoak: { seconds: 30 },
          notifyAhead: { seconds: 10 },
        },
      },
    }),
  );

  it('fills every default and drops dryRun', () => {
    expect(normalizeCampaignSpec(body({ dryRun: true }), settings)).toEqual({
      ...body(),
      waves: { strategy: 'size', namespacesPerWave: 5 },
      steps: { gatewayCutover: true, tagMove: true, removeOldRevision: false },
      soakSeconds: 30,
      gate: {
        windowSeconds: 600,
        max5xxIncreasePoints: 0.5,
        maxP99IncreasePercent: 20,
      },
      notifyAheadSeconds: 10,
      maxDeferSeconds: 604800,
    });
  });

  it('keeps what the body sets, and follows a given order when no strategy is set', () => {
    const spec = normalizeCampaignSpec(
      body({
        waves: { order: ['shop'], exclude: ['legacy'], namespacesPerWave: 2 },
        steps: { tagMove: false, removeOldRevision: true },
        soakSeconds: 0,
        gate: { maxP99IncreasePercent: 50 },
        notifyAheadSeconds: 0,
        maxDeferSeconds: 3600,
      }),
      settings,
    );
    expect(spec).toMatchObject({
      waves: {
        strategy: 'explicit',
        order: ['shop'],
        exclude: ['legacy'],
        namespacesPerWave: 2,
      },
      steps: { gatewayCutover: true, tagMove: false, removeOldRevision: true },
      soakSeconds: 0,
      gate: {
        windowSeconds: 600,
        max5xxIncreasePoints: 0.5,
        maxP99IncreasePercent: 50,
      },
      notifyAheadSeconds: 0,
      maxDeferSeconds: 3600,
    });
    expect(spec).not.toHaveProperty('dryRun');
  });
});
