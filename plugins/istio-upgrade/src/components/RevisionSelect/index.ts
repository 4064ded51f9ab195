export { RevisionSelect } from './RevisionSelect';
