export { ServiceIstioTab } from './ServiceIstioTab';
