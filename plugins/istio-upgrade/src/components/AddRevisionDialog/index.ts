export { AddRevisionDialog } from './AddRevisionDialog';
