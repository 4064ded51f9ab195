export { RequestDialog } from './RequestDialog';
