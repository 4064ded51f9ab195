/**
 * The istio-upgrade module for the catalog backend: one `Resource` of type `istio-control-plane` per
 * cluster revision, from the istio-upgrade fleet inventory.
 *
 * @packageDocumentation
 */

export { catalogModuleIstioUpgrade as default } from './module';
export { IstioControlPlaneProvider } from './provider/IstioControlPlaneProvider';
export type { FleetSource } from './provider/IstioUpgradeFleetClient';
export {
  controlPlaneEntityName,
  ISTIO_ANNOTATIONS,
  ISTIO_CONTROL_PLANE_TYPE,
} from './provider/controlPlaneEntities';
