import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import { useMemo } from 'react';
import { RevisionKey, revisionPalette } from './revisionPalette';
import { RevisionSwatch } from './RevisionSwatch';

/** One part of a bar: a revision (absent: no sidecar) and how many of the unit run it. */
export interface RevisionSegment extends RevisionKey {
  count: number;
}

const useStyles = makeStyles((theme: Theme) => ({
  bar: {
    display: 'flex',
    height: theme.spacing(2),
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
    backgroundColor: theme.palette.action.hover,
    minWidth: theme.spacing(8),
  },
  segment: {
    height: '100%',
    '&:not(:last-child)': {
      borderRight: `1px solid ${theme.palette.background.paper}`,
    },
  },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 1.5),
    marginTop: theme.spacing(0.5),
  },
}));

function segmentLabel(segment: RevisionSegment): string {
  if (segment.revision === undefined) return 'no sidecar';
  return segment.version
    ? `${segment.revision} (${segment.version})`
    : segment.revision;
}

/**
 * A stacked bar of pods (or namespaces) per revision, drawn with boxes in the theme's colours, with
 * an optional legend. The bar is one image for screen readers, described by its counts.
 */
export function RevisionBar(props: {
  segments: ReadonlyArray<RevisionSegment>;
  unit: string;
  /** The revisions colours are assigned over, so that several bars share colours; defaults to `segments`. */
  palette?: ReadonlyArray<RevisionKey>;
  /** The total the bar's full width stands for; defaults to the sum of the segments. */
  scale?: number;
  legend?: boolean;
}) {
  const { segments, unit, palette, scale, legend } = props;
  const classes = useStyles();
  const theme = useTheme<Theme>();
  const colourOf = useMemo(
    () => revisionPalette(theme, palette ?? segments),
    [theme, palette, segments],
  );
  const shown = segments.filter(s => s.count > 0);
  const total = shown.reduce((sum, s) => sum + s.count, 0);
  const width = Math.max(scale ?? total, total, 1);
  const description =
    shown.length === 0
      ? `No ${unit}`
      : shown.map(s => `${segmentLabel(s)}: ${s.count} ${unit}`).join('; ');
  return (
    <div>
      <div className={classes.bar} role="img" aria-label={description}>
        {shown.map(s => (
          <Tooltip
            key={s.revision ?? ''}
            title={`${segmentLabel(s)}: ${s.count} ${unit}`}
          >
            <div
              className={classes.segment}
              style={{
                width: `${(s.count / width) * 100}%`,
                backgroundColor: colourOf(s),
              }}
            />
          </Tooltip>
        ))}
      </div>
      {legend && shown.length > 0 && (
        <div className={classes.legend} aria-hidden>
          {shown.map(s => (
            <Typography
              key={s.revision ?? ''}
              variant="caption"
              color="textSecondary"
            >
              <RevisionSwatch colour={colourOf(s)} />
              {segmentLabel(s)}: {s.count}
            </Typography>
          ))}
        </div>
      )}
    </div>
  );
}
