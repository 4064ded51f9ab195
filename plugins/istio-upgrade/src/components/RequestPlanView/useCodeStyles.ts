import { makeStyles, Theme } from '@material-ui/core/styles';

/** The look of a body, manifest or command shown as sent: monospace on a shaded block. */
export const useCodeStyles = makeStyles((theme: Theme) => ({
  code: {
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    backgroundColor: theme.palette.action.hover,
    color: theme.palette.text.primary,
    padding: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    margin: theme.spacing(0.5, 0, 1),
    overflowX: 'auto',
    whiteSpace: 'pre-wrap',
  },
}));
