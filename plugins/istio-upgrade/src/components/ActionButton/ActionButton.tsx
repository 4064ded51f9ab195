import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { useId } from 'react';

const useStyles = makeStyles((theme: Theme) => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
}));

/**
 * A button that, when the user may not use it, stays visible but disabled and says why: in a
 * tooltip and, unless `reasonInline` is false, in a caption next to it that the button is described
 * by (so that keyboard and screen-reader users get the reason too).
 */
export function ActionButton(
  props: Omit<ButtonProps, 'disabled'> & {
    /** Why the action is not available; the button is enabled when this is undefined. */
    disabledReason?: string;
    /** Disabled without a reason to show, e.g. while the reason is still being checked. */
    pending?: boolean;
    reasonInline?: boolean;
  },
) {
  const {
    disabledReason,
    pending,
    reasonInline = true,
    children,
    ...buttonProps
  } = props;
  const classes = useStyles();
  const reasonId = useId();
  const disabled = pending || disabledReason !== undefined;
  const button = (
    <Button
      variant="outlined"
      color="primary"
      size="small"
      {...buttonProps}
      disabled={disabled}
      aria-describedby={disabledReason ? reasonId : undefined}
    >
      {children}
    </Button>
  );
  if (!disabledReason) return button;
  return (
    <span className={classes.root}>
      <Tooltip title={disabledReason}>
        {/* A disabled button fires no events, so the tooltip listens on a wrapper. */}
        <span>{button}</span>
      </Tooltip>
      <Typography
        id={reasonId}
        variant="caption"
        color="textSecondary"
        component="span"
        style={reasonInline ? undefined : { display: 'none' }}
      >
        {disabledReason}
      </Typography>
    </span>
  );
}
