export { istioUpgradeApiRef } from './IstioUpgradeApi';
export type {
  IstioUpgradeApi,
  PrecheckQuery,
  RequestDraft,
  RequestFilter,
} from './IstioUpgradeApi';
export { IstioUpgradeClient } from './IstioUpgradeClient';
