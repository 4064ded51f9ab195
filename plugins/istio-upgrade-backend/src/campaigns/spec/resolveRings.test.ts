import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CampaignRingSpec } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { resolveRings } from './resolveRings';

function cluster(
  name: string,
  options: {
    owner?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    namespace?: string;
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      labels: options.labels,
      annotations: options.annotations,
    },
    spec: { type: 'kubernetes-cluster', owner: options.owner },
  };
}

const catalog: Entity[] = [
  cluster('staging-2', { owner: 'platform', labels: { env: 'staging' } }),
  cluster('staging-1', {
    owner: 'group:default/platform',
    labels: { env: 'staging' },
  }),
  cluster('prod-eu-2', {
    owner: 'group:default/team-eu',
    labels: { env: 'prod', region: 'eu' },
    annotations: { 'example.com/tier': 'gold' },
  }),
  cluster('prod-eu-1', {
    owner: 'team-eu',
    labels: { env: 'prod', region: 'eu' },
    annotations: { 'example.com/tier': 'silver' },
  }),
  cluster('prod-us-1', {
    owner: 'group:default/team-us',
    labels: { env: 'prod', region: 'us' },
  }),
  cluster('edge-1', { owner: 'platform', namespace: 'edge' }),
  // Not clusters: never chosen, never found by name.
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'orders-db', labels: { env: 'prod' } },
    spec: { type: 'database', owner: 'team-eu' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', labels: { env: 'prod' } },
    spec: { type: 'service', owner: 'team-eu' },
  },
];

const resolve = (...rings: CampaignRingSpec[]) =>
  resolveRings({ rings }, catalog);

describe('resolveRings', () => {
  it('keeps listed clusters in the order listed, by name or entity ref', () => {
    expect(
      resolve({
        name: 'prod',
        clusters: ['prod-us-1', 'resource:default/prod-eu-2', 'PROD-EU-1'],
        continueOnUnreachable: true,
      }),
    ).toEqual([
      {
        name: 'prod',
        clusters: ['prod-us-1', 'prod-eu-2', 'prod-eu-1'],
        continueOnUnreachable: true,
      },
    ]);
  });

  it('finds a cluster by name or ref in another namespace, and counts a cluster listed twice once', () => {
    expect(
      resolve({
        name: 'edge',
        clusters: ['edge-1', 'resource:edge/edge-1'],
      }),
    ).toEqual([
      { name: 'edge', clusters: ['edge-1'], continueOnUnreachable: false },
    ]);
  });

  it('chooses by owner, as a ref or a short name, in name order', () => {
    const expected = ['staging-1', 'staging-2'];
    expect(resolve({ name: 'a', owner: 'platform' })[0].clusters).toEqual(
      expected,
    );
    expect(
      resolve({ name: 'a', owner: 'group:default/platform' })[0].clusters,
    ).toEqual(expected);
    expect(resolve({ name: 'a', owner: 'team-eu' })[0].clusters).toEqual([
      'prod-eu-1',
      'prod-eu-2',
    ]);
  });

  it('chooses by labels and annotations, all of which must match', () => {
    expect(
      resolve({ name: 'prod', labels: { env: 'prod' } })[0].clusters,
    ).toEqual(['prod-eu-1', 'prod-eu-2', 'prod-us-1']);
    expect(
      resolve({ name: 'eu', labels: { env: 'prod', region: 'eu' } })[0]
        .clusters,
    ).toEqual(['prod-eu-1', 'prod-eu-2']);
    expect(
      resolve({
        name: 'gold',
        labels: { region: 'eu' },
        annotations: { 'example.com/tier': 'gold' },
      })[0].clusters,
    ).toEqual(['prod-eu-2']);
  });

  it('keeps only the listed clusters that meet the ring’s other conditions', () => {
    expect(
      resolve({
        name: 'eu',
        clusters: ['prod-us-1', 'prod-eu-2', 'staging-1'],
        labels: { env: 'prod' },
        owner: 'team-eu',
      })[0].clusters,
    ).toEqual(['prod-eu-2']);
  });

  it('resolves several rings independently', () => {
    expect(
      resolve(
        { name: 'staging', labels: { env: 'staging' } },
        { name: 'prod-eu', owner: 'team-eu' },
        { name: 'prod-us', clusters: ['prod-us-1'] },
      ).map(ring => [ring.name, ring.clusters]),
    ).toEqual([
      ['staging', ['staging-1', 'staging-2']],
      ['prod-eu', ['prod-eu-1', 'prod-eu-2']],
      ['prod-us', ['prod-us-1']],
    ]);
  });

  it('leaves a ring empty when nothing matches or nothing chooses', () => {
    expect(resolve({ name: 'none', owner: 'nobody' })[0].clusters).toEqual([]);
    expect(resolve({ name: 'bare' })[0].clusters).toEqual([]);
  });

  it('refuses a listed cluster that is not a cluster in the catalog', () => {
    for (const name of [
      'prod-ap-1',
      'orders-db',
      'component:default/checkout',
    ]) {
      expect(() => resolve({ name: 'prod', clusters: [name] })).toThrow(
        InputError,
      );
    }
    expect(() =>
      resolve({ name: 'prod', clusters: ['prod-eu-1', 'prod-ap-1'] }),
    ).toThrow(/rings\[0\] \(prod\): unknown cluster "prod-ap-1"/);
  });
});
