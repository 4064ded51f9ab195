export { ISTIO_LABELS } from './istioLabels';
export { resolveInjection } from './resolveInjection';
export type {
  InjectionInput,
  InjectionMode,
  InjectionResolution,
} from './resolveInjection';
