export { RequestsQueue } from './RequestsQueue';
