export { GatewayMoveDialog } from './GatewayMoveDialog';
