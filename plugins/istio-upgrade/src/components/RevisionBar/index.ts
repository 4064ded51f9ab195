export { RevisionBar } from './RevisionBar';
export type { RevisionSegment } from './RevisionBar';
export { colourKeyOf, revisionPalette } from './revisionPalette';
export type { RevisionKey } from './revisionPalette';
