import { Table, TableColumn } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { UpgradeRequest } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import {
  describeTarget,
  REQUEST_TYPE_LABELS,
} from '../../requests/requestStates';
import { PersonLink } from '../PersonLink';
import { RequestStateChip } from '../RequestStateChip';

function when(iso?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/**
 * Past and present requests, newest first: what, where, to which revision, its state, who asked and
 * when; "Details" shows one as it happened.
 */
export function RequestHistoryTable(props: {
  title?: string;
  requests: UpgradeRequest[];
  onSelect?: (request: UpgradeRequest) => void;
  emptyMessage?: string;
}) {
  const { title = 'Request history', requests, onSelect } = props;
  const columns: TableColumn<UpgradeRequest>[] = [
    {
      title: 'Requested',
      field: 'requestedAt',
      render: r => when(r.requestedAt),
    },
    {
      title: 'Change',
      render: r =>
        `${REQUEST_TYPE_LABELS[r.type]}${r.rollbackOf ? ' (rollback)' : ''}`,
    },
    { title: 'Cluster', field: 'cluster' },
    { title: 'Target', render: r => describeTarget(r) },
    { title: 'Revision', field: 'revision' },
    { title: 'State', render: r => <RequestStateChip state={r.state} /> },
    {
      title: 'By',
      field: 'requestedBy',
      render: r => <PersonLink entityRef={r.requestedBy} />,
    },
    { title: 'Finished', render: r => when(r.finishedAt) },
  ];
  if (onSelect) {
    columns.push({
      title: '',
      render: r => (
        <Button size="small" onClick={() => onSelect(r)}>
          Details
        </Button>
      ),
    });
  }
  return (
    <Table<UpgradeRequest>
      title={title}
      options={{
        paging: requests.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
      }}
      columns={columns}
      data={requests}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            {props.emptyMessage ?? 'No requests yet.'}
          </Typography>
        </Box>
      }
    />
  );
}
