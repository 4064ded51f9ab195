import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { GatePoint } from './gateSeries';

const BAR = 14;
const GAP = 4;
const GROUP = BAR * 2 + GAP + 24;
const HEIGHT = 96;
const LABEL = 16;

function format(value: number | undefined, unit: string) {
  if (value === undefined) return 'no figure';
  return unit === '%'
    ? `${value.toFixed(2)} %`
    : `${Math.round(value)} ${unit}`;
}

/**
 * A small bar chart of a health-gate figure per wave: before (grey) and after (green when the gate
 * passed, red when it failed). Plain SVG; its accessible name lists every figure.
 */
export function GateChart(props: {
  title: string;
  unit: '%' | 'ms';
  points: ReadonlyArray<GatePoint>;
}) {
  const { title, unit, points } = props;
  const theme = useTheme();
  if (points.length === 0) return null;
  const max = Math.max(
    ...points.flatMap(p => [p.before ?? 0, p.after ?? 0]),
    unit === '%' ? 1 : 10,
  );
  const scale = (v: number | undefined) => ((v ?? 0) / max) * HEIGHT;
  const width = points.length * GROUP;
  const afterColour = (p: GatePoint) => {
    if (p.outcome === 'failed') return theme.palette.error.main;
    if (p.outcome === 'passed') return theme.palette.success.main;
    return theme.palette.text.disabled;
  };
  const description = `${title}: ${points
    .map(
      p =>
        `${p.label} before ${format(p.before, unit)}, after ${format(
          p.after,
          unit,
        )}`,
    )
    .join('; ')}`;
  return (
    <Box component="figure" m={0} mr={3} display="inline-block">
      <svg
        role="img"
        aria-label={description}
        width={width}
        height={HEIGHT + LABEL}
        viewBox={`0 0 ${width} ${HEIGHT + LABEL}`}
      >
        {points.map((p, i) => {
          const x = i * GROUP + 8;
          const before = scale(p.before);
          const after = scale(p.after);
          return (
            <g key={p.label}>
              <rect
                x={x}
                y={HEIGHT - before}
                width={BAR}
                height={before}
                fill={theme.palette.grey[400]}
              >
                <title>{`${p.label} before: ${format(p.before, unit)}`}</title>
              </rect>
              <rect
                x={x + BAR + GAP}
                y={HEIGHT - after}
                width={BAR}
                height={after}
                fill={afterColour(p)}
              >
                <title>{`${p.label} after: ${format(p.after, unit)}`}</title>
              </rect>
              <text
                x={x + BAR + GAP / 2}
                y={HEIGHT + LABEL - 3}
                textAnchor="middle"
                fontSize={10}
                fill={theme.palette.text.secondary}
              >
                {p.label.replace('Wave ', 'W')}
              </text>
            </g>
          );
        })}
        <line
          x1={0}
          x2={width}
          y1={HEIGHT}
          y2={HEIGHT}
          stroke={theme.palette.divider}
        />
      </svg>
      <Typography
        variant="caption"
        color="textSecondary"
        component="figcaption"
      >
        {title} (highest among the wave's subjects; grey before, colour after;
        scale up to {format(max, unit)})
      </Typography>
    </Box>
  );
}
