import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Fragment, useEffect, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { errorMessage } from '../../api/errorMessage';
import { istioUpgradeApiRef } from '../../api/IstioUpgradeApi';
import {
  migrationTargetOptions,
  MigrationTargetOption,
  MigrationTargetValue,
  optionKey,
  whyNotPickable,
} from './migrationTargets';

/**
 * The name templates use for the picker (`ui:field: IstioMigrationTargetPicker`).
 *
 * @public
 */
export const MIGRATION_TARGET_PICKER_NAME = 'IstioMigrationTargetPicker';

/**
 * The picker's `ui:options`.
 *
 * @public
 */
export type MigrationTargetPickerUiOptions = {
  /** The form field that holds the entity ref of the service that moves. Default `entityRef`. */
  entityRefField?: string;
};

/** The entity ref the form holds in the field the options name, if any. */
function entityRefOf(
  formData: unknown,
  options: MigrationTargetPickerUiOptions | undefined,
): string | undefined {
  const value = (formData as Record<string, unknown> | undefined)?.[
    options?.entityRefField ?? 'entityRef'
  ];
  return typeof value === 'string' && value ? value : undefined;
}

function parseServiceRef(ref: string) {
  return parseEntityRef(ref, {
    defaultKind: 'component',
    defaultNamespace: 'default',
  });
}

/** The options of the entity whose ref the form holds (undefined while there is none). */
function useMigrationTargetOptions(entityRef: string | undefined) {
  const api = useApi(istioUpgradeApiRef);
  return useAsync(async () => {
    if (!entityRef) return undefined;
    const view = await api.getEntityView(parseServiceRef(entityRef));
    return { view, options: migrationTargetOptions(view) };
  }, [api, entityRef]);
}

/** A header per cluster and namespace, then the namespace's targets. */
function groupByNamespace(options: MigrationTargetOption[]) {
  const groups = new Map<string, MigrationTargetOption[]>();
  for (const option of options) {
    const key = `${option.cluster}/${option.namespace}`;
    groups.set(key, [...(groups.get(key) ?? []), option]);
  }
  return [...groups.values()];
}

/**
 * A software-template field: the Istio revisions the chosen service's namespaces can move to, per
 * cluster, with the istio-upgrade backend's verdict on each. Targets it may not move to are shown,
 * disabled, with the reason. Its value is `{ cluster, namespace, revision }`.
 */
export function IstioMigrationTargetPicker(
  props: FieldExtensionComponentProps<
    MigrationTargetValue,
    MigrationTargetPickerUiOptions
  >,
) {
  const {
    formData,
    onChange,
    formContext,
    uiSchema,
    schema,
    rawErrors,
    required,
    disabled,
    idSchema,
  } = props;
  const entityRef = entityRefOf(
    formContext?.formData,
    uiSchema?.['ui:options'],
  );
  const { loading, error, value } = useMigrationTargetOptions(entityRef);
  const options = value?.options;
  const pickedKey =
    formData?.cluster && formData.namespace && formData.revision
      ? optionKey(formData)
      : '';

  // Another service was chosen: a target of the previous one is no choice any more.
  useEffect(() => {
    if (options && pickedKey && !options.some(o => o.key === pickedKey)) {
      onChange(undefined);
    }
  }, [options, pickedKey, onChange]);

  const groups = useMemo(() => groupByNamespace(options ?? []), [options]);
  const labelId = `${idSchema?.$id ?? 'istio-migration-target'}-label`;
  const title = schema.title ?? 'Target Istio revision';

  let body;
  if (!entityRef) {
    body = (
      <Typography variant="body2" color="textSecondary">
        Pick your service first: the revisions offered are those its namespaces
        can move to.
      </Typography>
    );
  } else if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <Alert severity="error">
        Could not read the Istio revisions of {entityRef}: {errorMessage(error)}
      </Alert>
    );
  } else if (value && !value.view.clusters.length) {
    body = (
      <Alert severity="info">
        {entityRef} has no workloads in any cluster registered in the catalog
        (selector {value.view.selector}).
      </Alert>
    );
  } else if (options && !options.length) {
    body = (
      <Alert severity="info">
        No namespace of {entityRef} has a newer Istio revision to move to.
      </Alert>
    );
  } else {
    body = (
      <RadioGroup
        aria-labelledby={labelId}
        name={idSchema?.$id ?? 'istio-migration-target'}
        value={pickedKey}
        onChange={(_event, key) => {
          const option = options?.find(o => o.key === key);
          if (option) {
            onChange({
              cluster: option.cluster,
              namespace: option.namespace,
              revision: option.revision,
            });
          }
        }}
      >
        {groups.map(group => {
          const first = group[0];
          return (
            <Fragment key={`${first.cluster}/${first.namespace}`}>
              <Box mt={1}>
                <Typography variant="subtitle2" component="p">
                  {first.clusterTitle} · namespace {first.namespace}
                  {first.currentRevision
                    ? ` (asks for ${first.currentRevision} today)`
                    : ''}
                </Typography>
              </Box>
              {group.map(option => (
                <FormControlLabel
                  key={option.key}
                  value={option.key}
                  disabled={disabled || option.blockedBecause !== undefined}
                  control={<Radio color="primary" />}
                  label={
                    <Box>
                      <Typography variant="body2">
                        {option.revision}
                        {option.target.version
                          ? ` · Istio ${option.target.version}`
                          : ''}
                        {option.target.tags?.length
                          ? ` (tags ${option.target.tags.join(', ')})`
                          : ''}
                      </Typography>
                      <Typography variant="caption" color="textSecondary">
                        {option.blockedBecause
                          ? `Not offered: ${option.blockedBecause}`
                          : option.target.reason}
                      </Typography>
                    </Box>
                  }
                />
              ))}
            </Fragment>
          );
        })}
      </RadioGroup>
    );
  }

  return (
    <FormControl
      component="fieldset"
      margin="normal"
      required={required}
      error={!!rawErrors?.length}
      fullWidth
    >
      <FormLabel component="legend" id={labelId}>
        {title}
      </FormLabel>
      {body}
      {schema.description ? (
        <FormHelperText>{schema.description}</FormHelperText>
      ) : null}
    </FormControl>
  );
}

/**
 * Checks the picked target against the backend at the moment the step is submitted: it must still
 * be a target of the service's namespace, and allowed.
 */
export const validateMigrationTarget: CustomFieldValidator<
  MigrationTargetValue,
  MigrationTargetPickerUiOptions
> = async (value, validation, context) => {
  const entityRef = entityRefOf(
    context.formData,
    context.uiSchema?.['ui:options'],
  );
  if (!entityRef) {
    validation.addError('Pick your service first');
    return;
  }
  const api = context.apiHolder.get(istioUpgradeApiRef);
  if (!api) {
    validation.addError(
      'The istio-upgrade plugin is not installed in this app: its API is missing',
    );
    return;
  }
  try {
    const view = await api.getEntityView(parseServiceRef(entityRef));
    const why = whyNotPickable(value, migrationTargetOptions(view));
    if (why) validation.addError(why);
  } catch (e) {
    validation.addError(
      `Could not check the target with the istio-upgrade backend: ${errorMessage(
        e as Error,
      )}`,
    );
  }
};
