import { istioMinorOf } from '../versions/IstioVersion';
import { compareMinors } from './compareMinors';
import { IstioRelease } from './IstioRelease';

/**
 * Whether an Istio version supports a cluster's Kubernetes version.
 *
 * @public
 */
export interface KubernetesSupport {
  /** False only when the Kubernetes minor is known to be outside the Istio minor's range. */
  supported: boolean;
  /** Whether the check was made: false when the range or one of the versions is unknown. */
  known: boolean;
  /** One sentence for people, naming the versions and the range. */
  reason: string;
}

/** `v1.34.2`, `1.34`, `v1.34.2+k3s1`, `v1.30.5-gke.1014001`: major and minor, then anything. */
const KUBERNETES_VERSION_PATTERN = /^v?(\d+)\.(\d+)(?:[.+-].*)?$/;

function kubernetesMinorOf(version: string): string | undefined {
  const match = KUBERNETES_VERSION_PATTERN.exec(version.trim());
  return match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
}

function notChecked(reason: string): KubernetesSupport {
  return { supported: true, known: false, reason };
}

/**
 * Whether `istioVersion` (`1.28.3`, `1.28`) supports a cluster running `kubernetesVersion` (as the
 * API server reports it: `v1.34.2`, `v1.34.2+k3s1`, or just `1.34`), compared by minor against the
 * `kubernetes` range of the Istio minor in `releases`. When the range is not in the table, or either
 * version cannot be read, nothing is checked: the answer is `known: false`, `supported: true`, with a
 * reason saying so.
 *
 * @public
 */
export function kubernetesSupportOf(
  istioVersion: string,
  kubernetesVersion: string,
  releases: ReadonlyArray<IstioRelease>,
): KubernetesSupport {
  const istioMinor = istioMinorOf(istioVersion);
  if (!istioMinor) {
    return notChecked(
      `Istio version "${istioVersion}" is not a version like 1.28.3, so Kubernetes ${kubernetesVersion} was not checked`,
    );
  }
  const range = releases.find(r => r.minor === istioMinor)?.kubernetes;
  if (!range) {
    return notChecked(
      `The release table does not say which Kubernetes versions Istio ${istioMinor} supports, so Kubernetes ${kubernetesVersion} was not checked`,
    );
  }
  const supports = `Istio ${istioMinor} supports Kubernetes ${range.oldest} to ${range.newest}`;
  const kubernetesMinor = kubernetesMinorOf(kubernetesVersion);
  if (!kubernetesMinor) {
    return notChecked(
      `${supports}; Kubernetes version "${kubernetesVersion}" is not a version like v1.34.2, so it was not checked`,
    );
  }
  if (compareMinors(kubernetesMinor, range.oldest) < 0) {
    return {
      supported: false,
      known: true,
      reason: `${supports}; Kubernetes ${kubernetesVersion} is older`,
    };
  }
  if (compareMinors(kubernetesMinor, range.newest) > 0) {
    return {
      supported: false,
      known: true,
      reason: `${supports}; Kubernetes ${kubernetesVersion} is newer`,
    };
  }
  return {
    supported: true,
    known: true,
    reason: `${supports}, Kubernetes ${kubernetesVersion} included`,
  };
}
