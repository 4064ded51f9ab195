export { RequestPlanView } from './RequestPlanView';
export { describePatch, isRestartPatch } from './describePatch';
