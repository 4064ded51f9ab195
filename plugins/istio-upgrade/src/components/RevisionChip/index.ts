export { RevisionChip } from './RevisionChip';
