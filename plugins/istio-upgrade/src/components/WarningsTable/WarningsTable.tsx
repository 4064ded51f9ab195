import { Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import ErrorIcon from '@material-ui/icons/Error';
import InfoIcon from '@material-ui/icons/Info';
import WarningIcon from '@material-ui/icons/Warning';
import { Warning } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { explainWarning } from '../WarningChips';

const ICONS = { error: ErrorIcon, warning: WarningIcon, info: InfoIcon };

const useStyles = makeStyles((theme: Theme) => ({
  error: { color: theme.palette.error.main },
  warning: { color: theme.palette.warning.main },
  info: { color: theme.palette.info.main },
}));

function Severity(props: { severity: Warning['severity'] }) {
  const classes = useStyles();
  const Icon = ICONS[props.severity];
  return (
    <Box display="flex" alignItems="center" gridGap={4}>
      <Icon fontSize="small" className={classes[props.severity]} />
      {props.severity}
    </Box>
  );
}

function subjectOf(w: Warning): string {
  return `${w.subject.kind} ${
    w.subject.namespace ? `${w.subject.namespace}/` : ''
  }${w.subject.name}`;
}

/**
 * Warnings in a table: severity, rule, subject, the backend's message and why it matters; searchable
 * (and, with `showCluster`, by cluster) so that a fleet's end-of-life and skew findings can be
 * narrowed down.
 */
export function WarningsTable(props: {
  warnings: ReadonlyArray<Warning>;
  title?: string;
  showCluster?: boolean;
}) {
  const { warnings, title = 'Warnings', showCluster } = props;
  const columns: TableColumn<Warning>[] = [
    {
      title: 'Severity',
      field: 'severity',
      width: '110px',
      render: w => <Severity severity={w.severity} />,
    },
    ...(showCluster
      ? [
          {
            title: 'Cluster',
            field: 'cluster',
            width: '110px',
          } as TableColumn<Warning>,
        ]
      : []),
    { title: 'Rule', field: 'code', width: '170px' },
    {
      title: 'Subject',
      width: '200px',
      customFilterAndSearch: (term: string, w: Warning) =>
        subjectOf(w)
          .toLocaleLowerCase('en-US')
          .includes(term.toLocaleLowerCase('en-US')),
      render: w => subjectOf(w),
    },
    {
      title: 'Message',
      field: 'message',
      width: '50%',
      render: w => (
        <>
          <Typography variant="body2">{w.message}</Typography>
          {explainWarning(w.code) && (
            <Typography variant="caption" color="textSecondary">
              {explainWarning(w.code)}
            </Typography>
          )}
        </>
      ),
    },
  ];
  return (
    <Table<Warning>
      title={title}
      options={{
        paging: warnings.length > 20,
        pageSize: 20,
        search: true,
        padding: 'dense',
      }}
      columns={columns}
      data={[...warnings]}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">No warnings.</Typography>
        </Box>
      }
    />
  );
}
