export { EntityIstioClusterContent } from './EntityIstioClusterContent';
