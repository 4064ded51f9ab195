export { IstioUpgradePage, filterFleet } from './IstioUpgradePage';
