export { RequestDialog } from './RequestDialog';
export { RetryableError } from './RetryableError';
