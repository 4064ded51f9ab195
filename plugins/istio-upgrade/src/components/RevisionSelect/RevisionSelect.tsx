import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { useId } from 'react';
import { ControlPlane } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

/**
 * The pick of a revision among a cluster's control planes; one that is not ready is listed but
 * cannot be picked.
 */
export function RevisionSelect(props: {
  controlPlanes: ReadonlyArray<ControlPlane>;
  /** The revision picked, or '' while none is. */
  value: string;
  onChange: (revision: string) => void;
}) {
  const { controlPlanes, value, onChange } = props;
  const labelId = useId();
  return (
    <FormControl fullWidth margin="normal">
      <InputLabel id={labelId}>Revision</InputLabel>
      <Select
        labelId={labelId}
        value={value}
        onChange={e => onChange(e.target.value as string)}
      >
        {controlPlanes.map(cp => (
          <MenuItem key={cp.revision} value={cp.revision} disabled={!cp.ready}>
            {cp.revision}
            {cp.version ? ` (${cp.version})` : ''}
            {cp.ready ? '' : ' — not ready'}
          </MenuItem>
        ))}
      </Select>
      {controlPlanes.length === 0 && (
        <FormHelperText>
          No other revision is installed in this cluster.
        </FormHelperText>
      )}
    </FormControl>
  );
}
