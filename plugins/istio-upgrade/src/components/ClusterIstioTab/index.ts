export { ClusterIstioTab } from './ClusterIstioTab';
