import { makeStyles, Theme } from '@material-ui/core/styles';

const useStyles = makeStyles((theme: Theme) => ({
  swatch: {
    display: 'inline-block',
    width: theme.spacing(1.5),
    height: theme.spacing(1.5),
    borderRadius: 2,
    marginRight: theme.spacing(0.5),
    verticalAlign: 'middle',
  },
}));

/** A small square of a revision's colour, before its name in a legend. */
export function RevisionSwatch(props: { colour: string }) {
  const classes = useStyles();
  return (
    <span
      className={classes.swatch}
      style={{ backgroundColor: props.colour }}
    />
  );
}
