export { RequestHistoryTable } from './RequestHistoryTable';
