import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import ErrorIcon from '@material-ui/icons/Error';
import WarningIcon from '@material-ui/icons/Warning';
import InfoIcon from '@material-ui/icons/Info';
import { Warning } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { explainWarning } from './warningExplanations';

const useStyles = makeStyles((theme: Theme) => ({
  error: {
    borderColor: theme.palette.error.main,
    '& svg': { color: theme.palette.error.main },
  },
  warning: {
    borderColor: theme.palette.warning.main,
    '& svg': { color: theme.palette.warning.main },
  },
  info: {
    borderColor: theme.palette.info.main,
    '& svg': { color: theme.palette.info.main },
  },
}));

const ICONS = { error: ErrorIcon, warning: WarningIcon, info: InfoIcon };

/** A warning's short label: its code in words and its subject. */
export function warningLabel(warning: Warning): string {
  const code = warning.code.replace(/-/g, ' ');
  const subject = warning.subject.namespace
    ? `${warning.subject.namespace}/${warning.subject.name}`
    : warning.subject.name;
  return `${code[0].toLocaleUpperCase('en-US')}${code.slice(1)}: ${subject}`;
}

/** One warning as a chip: severity icon, code and subject; the message and why it matters in a tooltip. */
export function WarningChip(props: { warning: Warning }) {
  const classes = useStyles();
  const { warning } = props;
  const Icon = ICONS[warning.severity];
  const explanation = explainWarning(warning.code);
  const title = (
    <>
      <Typography variant="body2">{warning.message}</Typography>
      {explanation && (
        <Typography variant="caption" component="p">
          {explanation}
        </Typography>
      )}
    </>
  );
  return (
    <Tooltip title={title}>
      <Chip
        size="small"
        variant="outlined"
        className={classes[warning.severity]}
        icon={<Icon fontSize="small" />}
        label={warningLabel(warning)}
        aria-label={`${warning.severity}: ${warning.message}${
          explanation ? ` ${explanation}` : ''
        }`}
        tabIndex={0}
      />
    </Tooltip>
  );
}

/** Warnings as chips with their explanations in tooltips; nothing when there are none. */
export function WarningChips(props: { warnings: ReadonlyArray<Warning> }) {
  if (props.warnings.length === 0) return null;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      gridGap={4}
      role="list"
      aria-label="Warnings"
    >
      {props.warnings.map(w => (
        <span
          role="listitem"
          key={`${w.cluster}:${w.code}:${w.subject.kind}:${w.subject.namespace}/${w.subject.name}`}
        >
          <WarningChip warning={w} />
        </span>
      ))}
    </Box>
  );
}
