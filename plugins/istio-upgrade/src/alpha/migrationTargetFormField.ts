import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  MIGRATION_TARGET_PICKER_NAME,
  MigrationTargetPicker,
  validateMigrationTarget,
} from '../components/MigrationTargetPicker';

/** The picker as a form field of the new frontend system's scaffolder. */
export const migrationTargetFormField = createFormField({
  name: MIGRATION_TARGET_PICKER_NAME,
  component: MigrationTargetPicker,
  validation: validateMigrationTarget,
});
