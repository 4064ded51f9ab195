export type { IstioRelease } from './IstioRelease';
export { DEFAULT_ISTIO_RELEASES } from './defaultIstioReleases';
export { mergeReleaseTable } from './mergeReleaseTable';
export type { IstioReleaseOverride } from './mergeReleaseTable';
export { kubernetesSupportOf } from './kubernetesSupportOf';
export type { KubernetesSupport } from './kubernetesSupportOf';
