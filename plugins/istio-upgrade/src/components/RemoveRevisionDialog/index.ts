export { RemoveRevisionDialog } from './RemoveRevisionDialog';
