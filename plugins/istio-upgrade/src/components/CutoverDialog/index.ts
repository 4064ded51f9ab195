export { CutoverDialog, cutoverCandidates } from './CutoverDialog';
