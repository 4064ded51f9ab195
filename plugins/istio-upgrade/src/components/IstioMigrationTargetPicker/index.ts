export {
  IstioMigrationTargetPicker,
  MIGRATION_TARGET_PICKER_NAME,
  validateMigrationTarget,
} from './IstioMigrationTargetPicker';
export type { MigrationTargetPickerUiOptions } from './IstioMigrationTargetPicker';
export type { MigrationTargetValue } from './migrationTargets';
