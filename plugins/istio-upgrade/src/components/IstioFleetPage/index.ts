export { IstioFleetPage } from './IstioFleetPage';
