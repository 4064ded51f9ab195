import { formatIstioVersion, parseIstioVersion } from './IstioVersion';

/**
 * The Istio version an image runs, from its tag: `docker.io/istio/proxyv2:1.10.4` gives `1.10.4`,
 * `gcr.io/istio-release/pilot:1.27.1-distroless` gives `1.27.1`. An image pinned by digest only
 * (`…/pilot@sha256:…`) or tagged with something that is not a version gives undefined.
 *
 * @public
 */
export function istioVersionFromImage(
  image: string | undefined,
): string | undefined {
  if (!image) {
    return undefined;
  }
  // `name:tag@sha256:…` keeps its tag; the digest alone says nothing about the version.
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) {
    return undefined;
  }
  const version = parseIstioVersion(withoutDigest.slice(colon + 1));
  return version ? formatIstioVersion(version) : undefined;
}
