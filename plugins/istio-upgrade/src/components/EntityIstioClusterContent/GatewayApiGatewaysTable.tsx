import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { GatewayApiGateway } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ActionButton } from '../ActionButton';

type Row = GatewayApiGateway & { id: string };

function revisionText(g: GatewayApiGateway): string {
  const revision = g.revision ?? 'unknown';
  if (g.tag) return `${revision} (through tag ${g.tag})`;
  if (!g.revisionLabel) return `${revision} (the default revision)`;
  return revision;
}

function podRevisions(g: GatewayApiGateway): string {
  if (g.podsByRevision.length === 0) return '—';
  return g.podsByRevision
    .map(r => `${r.revision ?? 'no sidecar'}: ${r.count}`)
    .join(', ');
}

/**
 * A cluster's Gateway API gateways of class istio: the revision whose istiod deploys each (and the
 * tag it goes through), its ready pods, the revisions they run, whether it is programmed and, for
 * those who may move gateways, a Move action.
 */
export function GatewayApiGatewaysTable(props: {
  gateways: ReadonlyArray<GatewayApiGateway>;
  /** Offers "Move" on each gateway; absent, no such column. */
  move?: {
    /** Why a gateway cannot be moved now, if it cannot. */
    blocker: (gateway: GatewayApiGateway) => string | undefined;
    onMove: (gateway: GatewayApiGateway) => void;
  };
}) {
  const { gateways, move } = props;
  const columns: TableColumn<Row>[] = [
    {
      title: 'Gateway',
      render: g => `${g.namespace}/${g.name}`,
      highlight: true,
    },
    { title: 'Revision', render: revisionText },
    {
      title: 'Ready',
      render: g => {
        if (!g.deployed) {
          return <StatusError>{g.deployment} not deployed</StatusError>;
        }
        const Status =
          g.readyReplicas > 0 && g.readyReplicas >= g.replicas
            ? StatusOK
            : StatusError;
        return (
          <Status>
            {g.readyReplicas}/{g.replicas}
          </Status>
        );
      },
    },
    { title: 'Pods by revision', render: podRevisions },
    {
      title: 'Programmed',
      render: g =>
        g.programmed ? (
          <StatusOK>programmed</StatusOK>
        ) : (
          <StatusWarning>not programmed</StatusWarning>
        ),
    },
  ];
  if (move) {
    columns.push({
      title: 'Move',
      render: g => (
        <ActionButton
          onClick={() => move.onMove(g)}
          disabledReason={move.blocker(g)}
          aria-label={`Move gateway ${g.namespace}/${g.name}`}
          data-testid={`move-gateway-${g.namespace}-${g.name}`}
        >
          Move
        </ActionButton>
      ),
    });
  }
  return (
    <Table<Row>
      title="Gateway API gateways"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={gateways.map(g => ({ ...g, id: `${g.namespace}/${g.name}` }))}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No Gateway API gateway of class istio.
          </Typography>
        </Box>
      }
    />
  );
}
