import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { FleetTotal, FleetTotals } from './fleetTotals';

const number = new Intl.NumberFormat('en-US');

function TotalsTable(props: {
  label: string;
  first: string;
  rows: ReadonlyArray<FleetTotal>;
  nameOf: (row: FleetTotal) => string;
  uninjected: number;
}) {
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>{props.first}</TableCell>
          <TableCell align="right">Clusters</TableCell>
          <TableCell align="right">Pods</TableCell>
          <TableCell align="right">Namespaces</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map(row => {
          const name = props.nameOf(row);
          return (
            <TableRow key={name}>
              <TableCell component="th" scope="row">
                {name}
              </TableCell>
              <TableCell align="right">{number.format(row.clusters)}</TableCell>
              <TableCell align="right">{number.format(row.pods)}</TableCell>
              <TableCell align="right">
                {number.format(row.namespaces)}
              </TableCell>
            </TableRow>
          );
        })}
        {props.uninjected > 0 && (
          <TableRow>
            <TableCell component="th" scope="row">
              no sidecar
            </TableCell>
            <TableCell align="right" />
            <TableCell align="right">
              {number.format(props.uninjected)}
            </TableCell>
            <TableCell align="right" />
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}

/** Pods and namespaces per Istio version and per revision name, summed over the clusters shown. */
export function FleetTotalsCard(props: { totals: FleetTotals }) {
  const { totals } = props;
  const uninjected = totals.pods - totals.injectedPods;
  return (
    <InfoCard
      title="Fleet-wide totals"
      subheader={`${number.format(totals.clusters)} ${
        totals.clusters === 1 ? 'cluster' : 'clusters'
      }, ${number.format(totals.pods)} pods (${number.format(
        totals.injectedPods,
      )} with a sidecar), ${number.format(totals.namespaces)} namespaces`}
    >
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <Box mb={1}>
            <Typography variant="subtitle2" component="h3">
              Per Istio version
            </Typography>
          </Box>
          <TotalsTable
            label="Pods and namespaces per Istio version"
            first="Version"
            rows={totals.byVersion}
            nameOf={row => row.version ?? 'unknown version'}
            uninjected={uninjected}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <Box mb={1}>
            <Typography variant="subtitle2" component="h3">
              Per revision
            </Typography>
          </Box>
          <TotalsTable
            label="Pods and namespaces per revision"
            first="Revision"
            rows={totals.byRevision}
            nameOf={row =>
              row.version
                ? `${row.revisions[0]} (${row.version})`
                : row.revisions[0]
            }
            uninjected={uninjected}
          />
        </Grid>
      </Grid>
    </InfoCard>
  );
}
