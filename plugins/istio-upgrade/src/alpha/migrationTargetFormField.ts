import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  MIGRATION_TARGET_PICKER_NAME,
  IstioMigrationTargetPicker,
  validateMigrationTarget,
} from '../components/IstioMigrationTargetPicker';

/** The picker as a form field of the new frontend system's scaffolder. */
export const migrationTargetFormField = createFormField({
  name: MIGRATION_TARGET_PICKER_NAME,
  component: IstioMigrationTargetPicker,
  validation: validateMigrationTarget,
});
