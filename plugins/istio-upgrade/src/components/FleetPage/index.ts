export { FleetPage, filterFleet } from './FleetPage';
