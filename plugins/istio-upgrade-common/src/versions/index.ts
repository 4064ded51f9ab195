export type { IstioVersion } from './IstioVersion';
export {
  parseIstioVersion,
  formatIstioVersion,
  istioMinorOf,
} from './IstioVersion';
export { compareIstioVersions } from './compareIstioVersions';
export { minorDistance } from './minorDistance';
export { istioVersionFromImage } from './istioVersionFromImage';
export {
  versionFromRevisionName,
  revisionNameForVersion,
} from './revisionNames';
