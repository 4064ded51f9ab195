import {
  Table,
  TableColumn,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { ControlPlane } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { SupportBadge } from '../SupportBadge';

const columns: TableColumn<ControlPlane>[] = [
  {
    title: 'Revision',
    field: 'revision',
    highlight: true,
    render: cp => (
      <Box display="flex" gridGap={4} alignItems="center" flexWrap="wrap">
        {cp.revision}
        {cp.isDefault && <Chip size="small" label="default" color="primary" />}
      </Box>
    ),
  },
  { title: 'Version', field: 'version', render: cp => cp.version ?? 'unknown' },
  {
    title: 'Support',
    render: cp => <SupportBadge support={cp.support} />,
  },
  {
    title: 'Tags',
    render: cp =>
      cp.tags.length === 0 ? (
        '—'
      ) : (
        <Box display="flex" gridGap={4} flexWrap="wrap">
          {cp.tags.map(t => (
            <Chip key={t} size="small" variant="outlined" label={t} />
          ))}
        </Box>
      ),
  },
  {
    title: 'Ready',
    render: cp => {
      const Status = cp.ready ? StatusOK : StatusError;
      return (
        <>
          <Status>
            {cp.readyReplicas}/{cp.replicas} istiod
          </Status>
          {!cp.hasInjector && (
            <StatusWarning>no injector webhook</StatusWarning>
          )}
        </>
      );
    },
  },
  {
    title: 'In use',
    render: cp =>
      `${cp.inUse.pods} pods, ${cp.inUse.namespaces} namespaces, ${cp.inUse.tags} tags, ${cp.inUse.gateways} gateways`,
  },
  {
    title: 'Removal',
    render: cp =>
      cp.safeToRemove ? (
        <StatusOK>Safe to remove</StatusOK>
      ) : (
        <>
          <StatusWarning>In use</StatusWarning>
          <Box component="ul" m={0} pl={2}>
            {cp.notRemovableBecause.map(reason => (
              <Typography key={reason} component="li" variant="caption">
                {reason}
              </Typography>
            ))}
          </Box>
        </>
      ),
  },
];

/**
 * A cluster's control planes: revision, version, support with end-of-life dates, tags, readiness,
 * what uses each, and whether it is safe to remove (with the reasons when not).
 */
export function ControlPlanesTable(props: {
  controlPlanes: ReadonlyArray<ControlPlane>;
}) {
  return (
    <Table<ControlPlane>
      title="Control planes"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={[...props.controlPlanes]}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No istiod control plane is installed in this cluster.
          </Typography>
        </Box>
      }
    />
  );
}
