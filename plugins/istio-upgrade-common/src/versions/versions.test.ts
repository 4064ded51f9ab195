import {
  compareIstioVersions,
  formatIstioVersion,
  istioMinorOf,
  istioVersionFromImage,
  minorDistance,
  parseIstioVersion,
  revisionNameForVersion,
  versionFromRevisionName,
} from '.';

describe('parseIstioVersion', () => {
  it('reads a release version', () => {
    expect(parseIstioVersion('1.10.4')).toEqual({
      major: 1,
      minor: 10,
      patch: 4,
    });
  });

  it('keeps an image flavour apart from the version', () => {
    expect(parseIstioVersion('1.10.4-distroless')).toEqual({
      major: 1,
      minor: 10,
      patch: 4,
      variant: 'distroless',
    });
  });

  it('reads a pre-release, with or without a flavour', () => {
    expect(parseIstioVersion('1.22.0-beta.1')).toEqual({
      major: 1,
      minor: 22,
      patch: 0,
      prerelease: 'beta.1',
    });
    expect(parseIstioVersion('1.22.0-rc.0-distroless')).toMatchObject({
      prerelease: 'rc.0',
      variant: 'distroless',
    });
  });

  it('reads a minor without a patch', () => {
    expect(parseIstioVersion('1.27')).toEqual({ major: 1, minor: 27 });
  });

  it('refuses what is not a version', () => {
    for (const text of [
      'latest',
      '',
      undefined,
      'master-latest-daily',
      '1',
      '1.x.2',
    ]) {
      expect(parseIstioVersion(text)).toBeUndefined();
    }
  });

  it('formats without the flavour', () => {
    expect(formatIstioVersion(parseIstioVersion('1.27.1-distroless')!)).toBe(
      '1.27.1',
    );
    expect(formatIstioVersion(parseIstioVersion('1.22.0-beta.1')!)).toBe(
      '1.22.0-beta.1',
    );
    expect(istioMinorOf('1.27.3')).toBe('1.27');
    expect(istioMinorOf('nonsense')).toBeUndefined();
  });
});

describe('istioVersionFromImage', () => {
  it('reads the version from an image tag', () => {
    expect(istioVersionFromImage('docker.io/istio/proxyv2:1.10.4')).toBe(
      '1.10.4',
    );
    expect(
      istioVersionFromImage('gcr.io/istio-release/pilot:1.27.1-distroless'),
    ).toBe('1.27.1');
    expect(
      istioVersionFromImage('localhost:5000/istio/pilot:1.22.0-beta.1'),
    ).toBe('1.22.0-beta.1');
  });

  it('says nothing for an image pinned by digest only', () => {
    expect(
      istioVersionFromImage(
        'docker.io/istio/pilot@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      ),
    ).toBeUndefined();
  });

  it('keeps the tag of an image pinned by tag and digest', () => {
    expect(
      istioVersionFromImage('docker.io/istio/pilot:1.20.2@sha256:abcd'),
    ).toBe('1.20.2');
  });

  it('says nothing for an untagged or non-version tag', () => {
    expect(istioVersionFromImage('localhost:5000/istio/pilot')).toBeUndefined();
    expect(
      istioVersionFromImage('docker.io/istio/pilot:latest'),
    ).toBeUndefined();
    expect(istioVersionFromImage(undefined)).toBeUndefined();
  });
});

describe('compareIstioVersions', () => {
  it('orders by minor, patch and pre-release', () => {
    const sorted = [
      '1.10.4',
      '1.9.7',
      '1.10.0',
      '1.10.0-beta.1',
      '1.10.0-alpha.2',
      '1.11',
    ].sort(compareIstioVersions);
    expect(sorted).toEqual([
      '1.9.7',
      '1.10.0-alpha.2',
      '1.10.0-beta.1',
      '1.10.0',
      '1.10.4',
      '1.11',
    ]);
  });

  it('treats a flavour as the same version', () => {
    expect(compareIstioVersions('1.27.1-distroless', '1.27.1')).toBe(0);
  });

  it('puts unknown versions first', () => {
    expect(compareIstioVersions(undefined, '1.9.0')).toBeLessThan(0);
    expect(compareIstioVersions('1.9.0', 'latest')).toBeGreaterThan(0);
    expect(compareIstioVersions(undefined, undefined)).toBe(0);
  });
});

describe('minorDistance', () => {
  it('counts minors up and down', () => {
    expect(minorDistance('1.9.7', '1.11.2')).toBe(2);
    expect(minorDistance('1.11.2', '1.10.0')).toBe(-1);
    expect(minorDistance('1.10.1', '1.10.9')).toBe(0);
  });

  it('is unknown across majors or for unreadable versions', () => {
    expect(minorDistance('1.30.0', '2.0.0')).toBeUndefined();
    expect(minorDistance('1.30.0', undefined)).toBeUndefined();
  });
});

describe('revision names', () => {
  it('turns a version-shaped revision name into its version and back', () => {
    expect(versionFromRevisionName('1-10-4')).toBe('1.10.4');
    expect(revisionNameForVersion('1.10.4')).toBe('1-10-4');
    expect(versionFromRevisionName('1-27')).toBe('1.27');
    expect(versionFromRevisionName('1-22-0-beta-1')).toBe('1.22.0-beta.1');
    expect(revisionNameForVersion('1.22.0-beta.1')).toBe('1-22-0-beta-1');
    expect(versionFromRevisionName('asm-1-20-3')).toBe('1.20.3');
  });

  it('finds no version in revisions named default or stable', () => {
    expect(versionFromRevisionName('default')).toBeUndefined();
    expect(versionFromRevisionName('stable')).toBeUndefined();
    expect(versionFromRevisionName('canary')).toBeUndefined();
  });

  it('never produces a dot in a revision name', () => {
    expect(revisionNameForVersion('1.27.1-distroless')).toBe('1-27-1');
    expect(revisionNameForVersion('latest')).toBeUndefined();
  });
});
