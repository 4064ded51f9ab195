/**
 * A parsed Istio version.
 *
 * @public
 */
export interface IstioVersion {
  major: number;
  minor: number;
  patch: number;
}

/** Parses "1.10.4" (or "1.10.4-distroless"); undefined when it is not a version. */
export function parseIstioVersion(
  text: string | undefined,
): IstioVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text ?? '');
  return m
    ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) }
    : undefined;
}

/** The tag of an image reference ("docker.io/istio/proxyv2:1.10.4" → "1.10.4"). */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
}

/**
 * Istio's data-plane skew policy: a proxy keeps working with a control plane of the same
 * minor version or one minor ahead of it, never behind it.
 */
export function proxyWithinSkew(controlPlane: string, proxy: string): boolean {
  const cp = parseIstioVersion(controlPlane);
  const dp = parseIstioVersion(proxy);
  if (!cp || !dp || cp.major !== dp.major) return false;
  const ahead = cp.minor - dp.minor;
  return ahead === 0 || ahead === 1;
}

/** Whether an Istio version is at least `1.<minor>` (false when it is not a version). */
export function istioAtLeast(
  version: string | undefined,
  minor: number,
): boolean {
  const v = parseIstioVersion(version);
  return (
    v !== undefined && (v.major > 1 || (v.major === 1 && v.minor >= minor))
  );
}
