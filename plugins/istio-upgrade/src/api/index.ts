export { istioUpgradeApiRef } from './IstioUpgradeApi';
export type { IstioUpgradeApi } from './IstioUpgradeApi';
export { IstioUpgradeClient } from './IstioUpgradeClient';
