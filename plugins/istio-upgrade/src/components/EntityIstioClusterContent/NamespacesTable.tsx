import { Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  NamespaceInventory,
  RevisionCount,
  UpgradeRequest,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ActionButton } from '../ActionButton';
import { RevisionBar } from '../RevisionBar';
import { RequestStateChip } from '../RequestStateChip';
import { explainWarning } from '../WarningChips';
import { InjectionModeChip } from '../InjectionModeChip';

type Row = NamespaceInventory & { id: string };

/**
 * A cluster's namespaces and their migration state: injection mode, desired revision, pods per
 * revision, drift, any active request on them and, for the platform team, a Migrate action on
 * those that are not protected.
 */
export function NamespacesTable(props: {
  namespaces: ReadonlyArray<NamespaceInventory>;
  /** Every revision counted in the cluster, so that all bars share colours. */
  palette: ReadonlyArray<RevisionCount>;
  activeRequests: ReadonlyMap<string, UpgradeRequest>;
  /** Offers "Migrate" on each namespace (to those who may migrate any); absent, no such column. */
  migrate?: {
    /** Why a namespace cannot be migrated now, if it cannot. */
    blocker: (namespace: NamespaceInventory) => string | undefined;
    onMigrate: (namespace: NamespaceInventory) => void;
  };
}) {
  const { palette, activeRequests, migrate } = props;
  const columns: TableColumn<Row>[] = [
    { title: 'Namespace', field: 'name', highlight: true },
    { title: 'Team', field: 'team', render: n => n.team ?? '—' },
    {
      title: 'Injection',
      field: 'injectionMode',
      render: n => <InjectionModeChip namespace={n} />,
    },
    {
      title: 'Desired revision',
      field: 'desiredRevision',
      render: n =>
        n.desiredRevision
          ? `${n.desiredRevision}${
              n.desiredVersion ? ` (${n.desiredVersion})` : ''
            }`
          : '—',
    },
    {
      title: 'Pods by revision',
      width: '30%',
      render: n => (
        <RevisionBar
          segments={n.podsByRevision}
          palette={palette}
          unit="pods"
          legend
        />
      ),
    },
    {
      title: 'Drift',
      field: 'podsNeedingRestart',
      render: n =>
        n.podsNeedingRestart > 0 ? (
          <Tooltip title={explainWarning('drift') ?? ''}>
            <Chip
              size="small"
              color="secondary"
              label={`${n.podsNeedingRestart} to restart`}
              tabIndex={0}
            />
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: 'Request',
      render: n => {
        const request = activeRequests.get(n.name);
        return request ? (
          <Box display="flex" gridGap={4} alignItems="center">
            <RequestStateChip state={request.state} />
            <Typography variant="caption">to {request.revision}</Typography>
          </Box>
        ) : (
          '—'
        );
      },
    },
  ];
  if (migrate) {
    columns.push({
      title: 'Migrate',
      render: n =>
        n.protected ? (
          <Typography variant="caption" color="textSecondary">
            Protected: no request may change it
          </Typography>
        ) : (
          <ActionButton
            onClick={() => migrate.onMigrate(n)}
            disabledReason={migrate.blocker(n)}
            aria-label={`Migrate namespace ${n.name}`}
            data-testid={`migrate-namespace-${n.name}`}
          >
            Migrate
          </ActionButton>
        ),
    });
  }
  return (
    <Table<Row>
      title="Namespaces"
      options={{
        paging: props.namespaces.length > 25,
        pageSize: 25,
        search: true,
        padding: 'dense',
      }}
      columns={columns}
      data={props.namespaces.map(n => ({ ...n, id: n.name }))}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">No namespace.</Typography>
        </Box>
      }
    />
  );
}
