import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { useId } from 'react';

/** The fleet page's filters; an empty string means "any". */
export interface FleetFilterValues {
  team: string;
  cluster: string;
  version: string;
}

function FilterSelect(props: {
  label: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 180 }}>
      <InputLabel id={id}>{props.label}</InputLabel>
      <Select
        labelId={id}
        label={props.label}
        value={props.value}
        onChange={e => props.onChange(e.target.value as string)}
      >
        <MenuItem value="">Any</MenuItem>
        {props.options.map(o => (
          <MenuItem key={o.value} value={o.value}>
            {o.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** Filters by team (namespace team label), cluster and Istio version. */
export function FleetFilters(props: {
  values: FleetFilterValues;
  teams: ReadonlyArray<string>;
  clusters: ReadonlyArray<{ name: string; title?: string }>;
  versions: ReadonlyArray<string>;
  onChange: (values: FleetFilterValues) => void;
}) {
  const { values, onChange } = props;
  return (
    <Box
      display="flex"
      gridGap={16}
      flexWrap="wrap"
      mb={2}
      role="search"
      aria-label="Fleet filters"
    >
      <FilterSelect
        label="Team"
        value={values.team}
        options={props.teams.map(t => ({ value: t, label: t }))}
        onChange={team => onChange({ ...values, team })}
      />
      <FilterSelect
        label="Cluster"
        value={values.cluster}
        options={props.clusters.map(c => ({
          value: c.name,
          label: c.title ?? c.name,
        }))}
        onChange={cluster => onChange({ ...values, cluster })}
      />
      <FilterSelect
        label="Version"
        value={values.version}
        options={props.versions.map(v => ({ value: v, label: v }))}
        onChange={version => onChange({ ...values, version })}
      />
    </Box>
  );
}
