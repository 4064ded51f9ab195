import { DEFAULT_ISTIO_RELEASES } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  clusterInventory,
  controlPlane,
  revisionTag,
} from '../planning/__testUtils__/inventoryFixtures';
import { installPrechecks } from './installPrechecks';

const NOW = new Date('2026-12-02T00:00:00Z');
const releases = [...DEFAULT_ISTIO_RELEASES];

function checks(
  extra: Partial<Parameters<typeof installPrechecks>[0]> = {},
  planes = [
    controlPlane('1-30-4', '1.30.4', {
      inUse: { pods: 10, namespaces: 1, tags: 1, gateways: 0 },
    }),
  ],
) {
  const result = installPrechecks({
    inventory: clusterInventory({
      controlPlanes: planes,
      tags: [revisionTag('default', '1-30-4', ['shop'])],
    }),
    version: '1.31.0',
    revision: '1-31-0',
    releases,
    now: NOW,
    maxRevisions: 3,
    kubernetesVersion: 'v1.34.2',
    ...extra,
  });
  return Object.fromEntries(result.map(c => [c.id, c]));
}

describe('installPrechecks', () => {
  it('passes a supported canary jump with a free name under the limit', () => {
    const result = checks();
    expect(Object.values(result).filter(c => c.status === 'fail')).toEqual([]);
    expect(result['canary-jump'].message).toBe(
      'Istio 1.31.0 is a canary jump from 1-30-4 (1.30.4)',
    );
    expect(result['kubernetes-version'].status).toBe('pass');
    expect(result['revision-limit'].message).toBe(
      '2 of at most 3 revisions once installed',
    );
  });

  it('refuses a version outside the release table', () => {
    const result = checks({ version: '1.99.0', revision: '1-99-0' });
    expect(result['version-known']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /^Istio 1.99.0 is not in the release table/,
      ),
    });
  });

  it('refuses an end-of-life version', () => {
    expect(
      checks({ version: '1.29.6', revision: '1-29-6' })['version-supported'],
    ).toMatchObject({
      status: 'fail',
      message:
        'Istio 1.29 reached its end of life on 2026-10-12; install a supported version',
    });
  });

  it('refuses a jump of more than two minors, and a control plane older than proxies in use', () => {
    const far = checks({}, [
      controlPlane('1-28-3', '1.28.3', {
        inUse: { pods: 3, namespaces: 1, tags: 0, gateways: 0 },
      }),
    ])['canary-jump'];
    expect(far.status).toBe('fail');
    expect(far.message).toMatch(/1.28.3 to 1.31.0 is 3 minors up/);
    const older = checks({}, [
      controlPlane('1-31-0', '1.31.0', {
        inUse: { pods: 3, namespaces: 1, tags: 0, gateways: 0 },
      }),
    ]);
    expect(
      installPrechecks({
        inventory: clusterInventory({
          controlPlanes: [
            controlPlane('1-31-0', '1.31.0', {
              inUse: { pods: 3, namespaces: 1, tags: 0, gateways: 0 },
            }),
          ],
        }),
        version: '1.30.4',
        revision: '1-30-4',
        releases,
        now: NOW,
        maxRevisions: 3,
      }).find(c => c.id === 'canary-jump'),
    ).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /1-31-0 \(Istio 1.31.0\) has 3 proxies, which would be newer than the new control plane/,
      ),
    });
    expect(older['revision-free'].status).toBe('fail');
  });

  it('refuses a Kubernetes version outside the range, and warns when it cannot be read', () => {
    expect(
      checks({ kubernetesVersion: 'v1.29.9' })['kubernetes-version'],
    ).toMatchObject({
      status: 'fail',
    });
    expect(
      checks({ kubernetesVersion: undefined })['kubernetes-version'].status,
    ).toBe('warn');
  });

  it('refuses a taken name: a revision, a tag, or not the name Sail gives', () => {
    expect(checks({ revision: '1-30-4' })['revision-free'].message).toBe(
      'Revision 1-30-4 already exists in cluster c1',
    );
    expect(checks({ revision: 'default' })['revision-free'].message).toMatch(
      /^default is a revision tag/,
    );
    expect(checks({ otherRevisions: ['1-31-0'] })['revision-free'].status).toBe(
      'fail',
    );
    expect(
      checks({ expectedRevision: 'default-v1-31-0' })['revision-free'].message,
    ).toBe(
      'On cluster c1, Sail names the revision of Istio 1.31.0 default-v1-31-0, not 1-31-0',
    );
  });

  it('refuses an install at the revision limit', () => {
    expect(checks({ maxRevisions: 1 })['revision-limit']).toMatchObject({
      status: 'fail',
      message:
        'Cluster c1 already runs 1 revisions (1-30-4), the limit is 1: remove one first',
    });
  });
});
