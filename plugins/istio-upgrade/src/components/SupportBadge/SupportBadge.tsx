import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { SupportStatus } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

const useStyles = makeStyles((theme: Theme) => ({
  supported: {
    borderColor: theme.palette.success.main,
    color: theme.palette.text.primary,
  },
  'ending-soon': {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  'end-of-life': {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  unknown: {},
}));

/** The badge's text and the sentence that explains it. */
export function describeSupport(support: SupportStatus): {
  label: string;
  explanation: string;
} {
  const minor = support.minor ? `Istio ${support.minor}` : 'This version';
  switch (support.status) {
    case 'supported':
      return {
        label: support.endOfLife
          ? `Supported until ${support.endOfLife}`
          : 'Supported',
        explanation: `${minor} receives security and bug fixes${
          support.endOfLife ? ` until ${support.endOfLife}` : ''
        }.`,
      };
    case 'ending-soon':
      return {
        label: `End of life ${support.endOfLife}`,
        explanation: `${minor} stops receiving fixes on ${support.endOfLife}${
          support.daysToEndOfLife !== undefined
            ? `, in ${support.daysToEndOfLife} days`
            : ''
        }: plan the upgrade now.`,
      };
    case 'end-of-life':
      return {
        label: `End of life since ${support.endOfLife ?? '?'}`,
        explanation: `${minor} no longer receives security fixes${
          support.endOfLife ? ` (since ${support.endOfLife})` : ''
        }; a minor is supported until six weeks after the minor two above it is released.`,
      };
    default:
      return {
        label: 'Support unknown',
        explanation:
          'This version is not in the release table, so its support window is unknown.',
      };
  }
}

/** A control plane's support status as a badge: end of life in red, ending soon in amber, with dates. */
export function SupportBadge(props: { support: SupportStatus }) {
  const classes = useStyles();
  const { label, explanation } = describeSupport(props.support);
  return (
    <Tooltip title={explanation}>
      <Chip
        size="small"
        variant={props.support.status === 'supported' ? 'outlined' : 'default'}
        className={classes[props.support.status]}
        label={label}
        aria-label={`${label}. ${explanation}`}
      />
    </Tooltip>
  );
}
