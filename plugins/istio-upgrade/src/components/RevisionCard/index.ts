export { RevisionCard, summarizeEntityCluster } from './RevisionCard';
