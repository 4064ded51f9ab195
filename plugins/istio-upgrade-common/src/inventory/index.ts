export { INVENTORY_WARNING_CODES, compareWarnings } from './warningCodes';
export type { InventoryWarningCode } from './warningCodes';
export { compareText } from './compareText';
export { migrationTargets } from './migrationTargets';
export { migrationNamespace } from './migrationNamespace';
