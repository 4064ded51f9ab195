import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import IconButton from '@material-ui/core/IconButton';
import InputLabel from '@material-ui/core/InputLabel';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import { useId } from 'react';
import { RingForm } from './campaignDraft';
import { LabelledTextField } from './LabelledTextField';

function RingRow(props: {
  position: number;
  ring: RingForm;
  clusters: ReadonlyArray<{ name: string; title?: string }>;
  onChange: (ring: RingForm) => void;
  onRemove?: () => void;
}) {
  const { position, ring, clusters, onChange, onRemove } = props;
  const labelId = useId();
  const titleOf = (name: string) =>
    clusters.find(c => c.name === name)?.title ?? name;
  return (
    <Box
      component="li"
      display="flex"
      gridGap={12}
      alignItems="center"
      flexWrap="wrap"
      mb={1}
      aria-label={`Ring ${position}`}
    >
      <Typography variant="body2" style={{ minWidth: 48 }}>
        Ring {position}
      </Typography>
      <LabelledTextField
        label={`Name of ring ${position}`}
        size="small"
        variant="outlined"
        value={ring.name}
        onChange={e => onChange({ ...ring, name: e.target.value })}
      />
      <FormControl variant="outlined" size="small" style={{ minWidth: 220 }}>
        <InputLabel id={labelId}>Clusters of ring {position}</InputLabel>
        <Select
          labelId={labelId}
          label={`Clusters of ring ${position}`}
          multiple
          value={ring.clusters}
          renderValue={selected =>
            (selected as string[]).map(titleOf).join(', ')
          }
          onChange={e =>
            onChange({ ...ring, clusters: e.target.value as string[] })
          }
        >
          {clusters.map(c => (
            <MenuItem key={c.name} value={c.name}>
              <Checkbox checked={ring.clusters.includes(c.name)} size="small" />
              <ListItemText primary={c.title ?? c.name} secondary={c.name} />
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <LabelledTextField
        label={`Owner of ring ${position}`}
        helperText="or every cluster this catalog owner owns"
        size="small"
        variant="outlined"
        value={ring.owner}
        onChange={e => onChange({ ...ring, owner: e.target.value })}
      />
      {onRemove && (
        <IconButton
          aria-label={`Remove ring ${position}`}
          size="small"
          onClick={onRemove}
        >
          <DeleteIcon fontSize="small" />
        </IconButton>
      )}
    </Box>
  );
}

/** The campaign's rings in order: each a name and its clusters, picked from the fleet or by owner. */
export function RingsEditor(props: {
  rings: RingForm[];
  clusters: ReadonlyArray<{ name: string; title?: string }>;
  onChange: (rings: RingForm[]) => void;
}) {
  const { rings, clusters, onChange } = props;
  return (
    <Box component="section" aria-label="Rings">
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Rings, in order (each starts once the one before it is done, soaked and
        healthy)
      </Typography>
      <Box component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
        {rings.map((ring, i) => (
          <RingRow
            key={i}
            position={i + 1}
            ring={ring}
            clusters={clusters}
            onChange={next =>
              onChange(rings.map((r, j) => (j === i ? next : r)))
            }
            onRemove={
              rings.length > 1
                ? () => onChange(rings.filter((_, j) => j !== i))
                : undefined
            }
          />
        ))}
      </Box>
      <Button
        size="small"
        onClick={() =>
          onChange([
            ...rings,
            { name: `ring-${rings.length + 1}`, clusters: [], owner: '' },
          ])
        }
      >
        Add ring
      </Button>
    </Box>
  );
}
