export { RequestProgressView, progressPercent } from './RequestProgressView';
