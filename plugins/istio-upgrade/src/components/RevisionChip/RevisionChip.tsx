import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';

/**
 * An Istio revision, with its version when known (`1-10-4 · 1.10.4`) and an optional count
 * (`× 3`). A missing revision means pods without a sidecar.
 */
export function RevisionChip(props: {
  revision?: string;
  version?: string;
  count?: number;
  tooltip?: string;
  color?: 'default' | 'primary' | 'secondary';
}) {
  const { revision, version, count, tooltip, color = 'default' } = props;
  const name = revision ?? 'no sidecar';
  const withVersion = version && revision ? `${name} · ${version}` : name;
  const label = count === undefined ? withVersion : `${withVersion} × ${count}`;
  const chip = (
    <Chip
      size="small"
      variant={revision ? 'default' : 'outlined'}
      color={color}
      label={label}
    />
  );
  return tooltip ? (
    <Tooltip title={tooltip}>
      <span>{chip}</span>
    </Tooltip>
  ) : (
    chip
  );
}
