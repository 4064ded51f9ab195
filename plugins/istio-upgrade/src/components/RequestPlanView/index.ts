export { RequestPlanView } from './RequestPlanView';
export { describePatch, isRestartPatch } from './describePatch';
export {
  ControlPlanePlanView,
  describeControlPlaneMode,
} from './ControlPlanePlanView';
export { PrecheckList } from './PrecheckList';
