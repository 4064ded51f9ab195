import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { Precheck } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';

function PrecheckLine(props: { check: Precheck }) {
  const { check } = props;
  const Status = { pass: StatusOK, warn: StatusWarning, fail: StatusError }[
    check.status
  ];
  return (
    <ListItem dense disableGutters>
      <Status>
        <Typography variant="body2" component="span">
          {check.message}
        </Typography>
      </Status>
    </ListItem>
  );
}

/** Prechecks, a line each with its outcome (passed, warning, failed), in a list named `label`. */
export function PrecheckList(props: {
  checks: ReadonlyArray<Precheck>;
  label: string;
}) {
  return (
    <List dense aria-label={props.label}>
      {props.checks.map(check => (
        <PrecheckLine key={check.id} check={check} />
      ))}
    </List>
  );
}
