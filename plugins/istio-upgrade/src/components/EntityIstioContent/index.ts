export { EntityIstioContent } from './EntityIstioContent';
