import {
  StatusError,
  StatusOK,
  StatusWarning,
  InfoCard,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import {
  Gateway,
  GatewayService,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ActionButton } from '../ActionButton';

const useStyles = makeStyles((theme: Theme) => ({
  live: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  colour: {
    padding: theme.spacing(1),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    marginBottom: theme.spacing(1),
  },
}));

function ports(service: GatewayService): string {
  return service.ports
    .map(
      p =>
        `${p.name ? `${p.name} ` : ''}${p.port}${
          p.targetPort !== undefined ? `→${p.targetPort}` : ''
        }`,
    )
    .join(', ');
}

function GatewayServiceCard(props: {
  service: GatewayService;
  disabledReason?: string;
  pending: boolean;
  onCutover: (service: GatewayService) => void;
}) {
  const classes = useStyles();
  const { service, disabledReason, pending, onCutover } = props;
  const name = `${service.namespace}/${service.name}`;
  return (
    <InfoCard
      title={`Service ${name}`}
      subheader={`LoadBalancer${
        service.externalAddress ? ` at ${service.externalAddress}` : ''
      } — ports ${ports(service)}`}
    >
      <Box
        component="section"
        aria-label={`Gateway Service ${name}`}
        data-testid={`gateway-service-${service.name}`}
      >
        <Box className={classes.colour}>
          <Box display="flex" gridGap={8} alignItems="center" flexWrap="wrap">
            <Chip size="small" className={classes.live} label="live" />
            {service.live ? (
              <Typography variant="body2" data-testid="live-gateway">
                {service.live.name} — revision{' '}
                <strong>{service.liveRevision ?? 'unknown'}</strong>
              </Typography>
            ) : (
              <StatusError>The selector matches no gateway</StatusError>
            )}
          </Box>
          {service.live &&
            (service.readyEndpoints && service.readyEndpoints > 0 ? (
              <StatusOK>{service.readyEndpoints} ready endpoints</StatusOK>
            ) : (
              <StatusError>No ready endpoint: traffic fails</StatusError>
            ))}
          <Typography variant="caption" color="textSecondary" component="p">
            selector{' '}
            {Object.entries(service.selector)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}
          </Typography>
        </Box>
        {service.standby.length === 0 ? (
          <Typography variant="body2" color="textSecondary" paragraph>
            No standby gateway: deploy the new revision's gateway beside the
            live one to cut over.
          </Typography>
        ) : (
          service.standby.map(s => (
            <Box key={s.name} className={classes.colour}>
              <Box
                display="flex"
                gridGap={8}
                alignItems="center"
                flexWrap="wrap"
              >
                <Chip size="small" variant="outlined" label="standby" />
                <Typography variant="body2">
                  {s.name} — revision <strong>{s.revision ?? 'unknown'}</strong>
                  {s.version ? ` (${s.version})` : ''}
                </Typography>
              </Box>
              {s.ready ? (
                <StatusOK>ready</StatusOK>
              ) : (
                <StatusWarning>not ready</StatusWarning>
              )}
            </Box>
          ))
        )}
        <ActionButton
          variant="contained"
          onClick={() => onCutover(service)}
          disabledReason={disabledReason}
          pending={pending}
          data-testid={`cutover-${service.name}`}
        >
          Request cutover
        </ActionButton>
      </Box>
    </InfoCard>
  );
}

const deploymentColumns: TableColumn<Gateway>[] = [
  {
    title: 'Gateway',
    render: g => `${g.namespace}/${g.name}`,
    highlight: true,
  },
  { title: 'Revision', render: g => g.revision ?? '—' },
  { title: 'Version', render: g => g.version ?? '—' },
  {
    title: 'Ready',
    render: g => {
      const Status = g.ready ? StatusOK : StatusError;
      return (
        <Status>
          {g.readyReplicas}/{g.replicas}
        </Status>
      );
    },
  },
  {
    title: 'Live for',
    render: g => (g.services.length ? g.services.join(', ') : 'standby'),
  },
];

/**
 * A cluster's ingress gateways: each LoadBalancer Service with its live and standby colours and
 * "Request cutover", and the gateway Deployments with their revisions and readiness.
 */
export function GatewaysPanel(props: {
  services: ReadonlyArray<GatewayService>;
  gateways: ReadonlyArray<Gateway>;
  blocker: (service: GatewayService) => string | undefined;
  pending: boolean;
  onCutover: (service: GatewayService) => void;
}) {
  const { services, gateways, blocker, pending, onCutover } = props;
  return (
    <Grid container spacing={2}>
      {services.length === 0 && (
        <Grid item xs={12}>
          <Typography variant="body2">
            No LoadBalancer Service selects a gateway in this cluster.
          </Typography>
        </Grid>
      )}
      {services.map(s => (
        <Grid item xs={12} md={6} key={`${s.namespace}/${s.name}`}>
          <GatewayServiceCard
            service={s}
            disabledReason={blocker(s)}
            pending={pending}
            onCutover={onCutover}
          />
        </Grid>
      ))}
      <Grid item xs={12}>
        <Table<Gateway>
          title="Gateway deployments"
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={deploymentColumns}
          data={[...gateways]}
          emptyContent={
            <Box p={2}>
              <Typography variant="body2">No gateway is deployed.</Typography>
            </Box>
          }
        />
      </Grid>
    </Grid>
  );
}
