export type { SkewVerdict } from './SkewVerdict';
export { isProxySkewSupported } from './isProxySkewSupported';
export { isCanaryJumpSupported } from './isCanaryJumpSupported';
