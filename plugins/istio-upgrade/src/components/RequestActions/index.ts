export { RequestActions } from './RequestActions';
export type { RequestAction } from './RequestActions';
