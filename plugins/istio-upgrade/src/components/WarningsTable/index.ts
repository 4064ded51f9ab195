export { WarningsTable } from './WarningsTable';
