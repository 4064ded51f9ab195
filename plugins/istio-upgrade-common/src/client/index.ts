export { IstioUpgradeApiClient } from './IstioUpgradeApiClient';
export type {
  IstioUpgradeCallOptions,
  PrecheckQuery,
  RequestDraft,
  RequestFilter,
} from './IstioUpgradeApiTypes';
