import { isCanaryJumpSupported, isProxySkewSupported } from '.';

describe('isProxySkewSupported', () => {
  it('accepts proxies on the same minor as their control plane', () => {
    expect(isProxySkewSupported('1.10.4', '1.10.0')).toMatchObject({
      supported: true,
      known: true,
      minorDistance: 0,
    });
  });

  it('accepts a control plane one minor ahead of its proxies', () => {
    expect(isProxySkewSupported('1.11.0', '1.10.4')).toMatchObject({
      supported: true,
      minorDistance: 1,
    });
  });

  it('refuses a control plane two minors ahead', () => {
    const verdict = isProxySkewSupported('1.12.0', '1.10.4');
    expect(verdict).toMatchObject({
      supported: false,
      known: true,
      minorDistance: 2,
    });
    expect(verdict.reason).toBe(
      'control plane 1.12.0, proxy 1.10.4: the control plane is 2 minors ahead; at most 1 is supported',
    );
  });

  it('refuses proxies ahead of their control plane', () => {
    const verdict = isProxySkewSupported('1.10.4', '1.11.0');
    expect(verdict.supported).toBe(false);
    expect(verdict.reason).toContain('proxies may never be ahead');
  });

  it('checks nothing when a version is unknown', () => {
    expect(isProxySkewSupported(undefined, '1.10.4')).toMatchObject({
      supported: true,
      known: false,
    });
  });
});

describe('isCanaryJumpSupported', () => {
  it('allows an upgrade of up to two minors', () => {
    expect(isCanaryJumpSupported('1.9.7', '1.10.4')).toMatchObject({
      supported: true,
      minorDistance: 1,
    });
    expect(isCanaryJumpSupported('1.9.7', '1.11.0')).toMatchObject({
      supported: true,
      minorDistance: 2,
    });
    expect(isCanaryJumpSupported('1.10.0', '1.10.4').supported).toBe(true);
  });

  it('refuses an upgrade of three minors', () => {
    const verdict = isCanaryJumpSupported('1.9.7', '1.12.0');
    expect(verdict).toMatchObject({ supported: false, minorDistance: 3 });
    expect(verdict.reason).toBe(
      '1.9.7 to 1.12.0 is 3 minors up; a canary upgrade may jump at most 2',
    );
  });

  it('allows a rollback of up to two minors and refuses a deeper one', () => {
    expect(isCanaryJumpSupported('1.11.2', '1.9.7')).toMatchObject({
      supported: true,
      minorDistance: -2,
      reason: '1.11.2 to 1.9.7 is 2 minors down, an allowed rollback',
    });
    expect(isCanaryJumpSupported('1.12.0', '1.9.7').supported).toBe(false);
  });

  it('checks nothing when a version is unknown', () => {
    expect(isCanaryJumpSupported('1.9.7', undefined)).toMatchObject({
      supported: true,
      known: false,
    });
  });
});
