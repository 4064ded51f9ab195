export { InjectionModeChip, describeInjection } from './InjectionModeChip';
