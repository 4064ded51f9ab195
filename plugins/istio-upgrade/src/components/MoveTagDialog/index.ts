export { MoveTagDialog } from './MoveTagDialog';
