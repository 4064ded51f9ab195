import { minorDistance } from '../versions/minorDistance';
import { SkewVerdict } from './SkewVerdict';

/**
 * Whether proxies at `proxyVersion` are supported with a control plane at `controlPlaneVersion`:
 * the control plane may be at most one minor ahead of its proxies, never behind them.
 *
 * @public
 */
export function isProxySkewSupported(
  controlPlaneVersion: string | undefined,
  proxyVersion: string | undefined,
): SkewVerdict {
  const distance = minorDistance(proxyVersion, controlPlaneVersion);
  if (distance === undefined) {
    return {
      supported: true,
      known: false,
      reason: `skew not checked: control plane ${
        controlPlaneVersion ?? 'version unknown'
      }, proxy ${proxyVersion ?? 'version unknown'}`,
    };
  }
  const pair = `control plane ${controlPlaneVersion}, proxy ${proxyVersion}`;
  if (distance < 0) {
    return {
      supported: false,
      known: true,
      minorDistance: distance,
      reason: `${pair}: the proxy is ${-distance} minor ahead of its control plane; proxies may never be ahead`,
    };
  }
  if (distance > 1) {
    return {
      supported: false,
      known: true,
      minorDistance: distance,
      reason: `${pair}: the control plane is ${distance} minors ahead; at most 1 is supported`,
    };
  }
  return {
    supported: true,
    known: true,
    minorDistance: distance,
    reason:
      distance === 0
        ? `${pair}: same minor`
        : `${pair}: the control plane is 1 minor ahead, which is supported`,
  };
}
