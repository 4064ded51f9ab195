export {
  MigrationTargetPicker,
  MIGRATION_TARGET_PICKER_NAME,
  validateMigrationTarget,
} from './MigrationTargetPicker';
export type { MigrationTargetPickerUiOptions } from './MigrationTargetPicker';
export type { MigrationTargetValue } from './migrationTargets';
