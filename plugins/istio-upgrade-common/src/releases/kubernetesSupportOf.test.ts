import { DEFAULT_ISTIO_RELEASES, kubernetesSupportOf } from '.';
import { IstioRelease } from './IstioRelease';

describe('kubernetesSupportOf', () => {
  const releases: IstioRelease[] = [
    {
      minor: '1.28',
      releaseDate: '2025-11-05',
      kubernetes: { oldest: '1.30', newest: '1.34' },
    },
    { minor: '1.29', releaseDate: '2026-02-16' },
  ];

  it('supports a Kubernetes minor inside the range, both ends included, whatever the patch and build', () => {
    for (const kubernetes of [
      'v1.30.0',
      '1.30',
      'v1.32.4+k3s1',
      'v1.33.5-eks-3025e55',
      'v1.34.12',
    ]) {
      expect(kubernetesSupportOf('1.28.3', kubernetes, releases)).toEqual({
        supported: true,
        known: true,
        reason: `Istio 1.28 supports Kubernetes 1.30 to 1.34, Kubernetes ${kubernetes} included`,
      });
    }
  });

  it('refuses a Kubernetes minor older or newer than the range', () => {
    expect(kubernetesSupportOf('1.28.3', 'v1.29.9', releases)).toEqual({
      supported: false,
      known: true,
      reason:
        'Istio 1.28 supports Kubernetes 1.30 to 1.34; Kubernetes v1.29.9 is older',
    });
    expect(kubernetesSupportOf('1.28', 'v1.35.0+k3s1', releases)).toEqual({
      supported: false,
      known: true,
      reason:
        'Istio 1.28 supports Kubernetes 1.30 to 1.34; Kubernetes v1.35.0+k3s1 is newer',
    });
  });

  it('compares minors by number, so 1.4 is older than 1.30 rather than newer', () => {
    expect(kubernetesSupportOf('1.28.0', 'v1.4.0', releases).supported).toBe(
      false,
    );
    expect(kubernetesSupportOf('1.28.0', 'v1.4.0', releases).reason).toMatch(
      /is older$/,
    );
  });

  it('reads pre-release and flavoured Istio versions by their minor', () => {
    for (const istio of ['1.28.0-beta.1', '1.28.2-distroless', 'v1.28.1']) {
      expect(kubernetesSupportOf(istio, 'v1.31.2', releases)).toMatchObject({
        supported: true,
        known: true,
      });
    }
  });

  it('does not check, and says so, when the range is not in the table', () => {
    expect(kubernetesSupportOf('1.29.1', 'v1.20.0', releases)).toEqual({
      supported: true,
      known: false,
      reason:
        'The release table does not say which Kubernetes versions Istio 1.29 supports, so Kubernetes v1.20.0 was not checked',
    });
    expect(kubernetesSupportOf('1.40.0', 'v1.20.0', releases)).toMatchObject({
      supported: true,
      known: false,
    });
  });

  it('does not check, and says so, when a version cannot be read', () => {
    expect(kubernetesSupportOf('1.28.1', 'unknown', releases)).toEqual({
      supported: true,
      known: false,
      reason:
        'Istio 1.28 supports Kubernetes 1.30 to 1.34; Kubernetes version "unknown" is not a version like v1.34.2, so it was not checked',
    });
    expect(kubernetesSupportOf('latest', 'v1.30.1', releases)).toEqual({
      supported: true,
      known: false,
      reason:
        'Istio version "latest" is not a version like 1.28.3, so Kubernetes v1.30.1 was not checked',
    });
  });

  it("uses the default table's ranges", () => {
    expect(
      kubernetesSupportOf('1.31.1', 'v1.36.0', DEFAULT_ISTIO_RELEASES),
    ).toMatchObject({ supported: true, known: true });
    expect(
      kubernetesSupportOf('1.22.8', 'v1.31.0', DEFAULT_ISTIO_RELEASES),
    ).toMatchObject({ supported: false, known: true });
  });
});
