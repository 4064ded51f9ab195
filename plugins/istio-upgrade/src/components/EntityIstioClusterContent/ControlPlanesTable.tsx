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
import { RemovalVerdict } from '../../hooks/useRemovalVerdicts';
import { ActionButton } from '../ActionButton';
import { SupportBadge } from '../SupportBadge';

/** The actions on control planes, for those who may manage them. */
export interface ControlPlaneActions {
  /** Why no revision can be added now, if none can. */
  addBlocker?: string;
  onAdd: () => void;
  /** Whether each control plane may be removed, from its removal's dry run. */
  removal: (cp: ControlPlane) => RemovalVerdict;
  onRemove: (cp: ControlPlane) => void;
}

function ReasonList(props: { reasons: ReadonlyArray<string> }) {
  return (
    <Box component="ul" m={0} pl={2}>
      {props.reasons.map(reason => (
        <Typography key={reason} component="li" variant="caption">
          {reason}
        </Typography>
      ))}
    </Box>
  );
}

/** What the inventory says of a control plane's removal. */
function InventoryRemoval(props: { cp: ControlPlane }) {
  const { cp } = props;
  return cp.safeToRemove ? (
    <StatusOK>Safe to remove</StatusOK>
  ) : (
    <>
      <StatusWarning>In use</StatusWarning>
      <ReasonList reasons={cp.notRemovableBecause} />
    </>
  );
}

/** A control plane's removal as its dry run decides it, with the Remove button. */
function Removal(props: {
  cp: ControlPlane;
  verdict: RemovalVerdict;
  onRemove: (cp: ControlPlane) => void;
}) {
  const { cp, verdict, onRemove } = props;
  const button = (disabledReason?: string) => (
    <ActionButton
      onClick={() => onRemove(cp)}
      pending={verdict.state === 'checking'}
      disabledReason={disabledReason}
      reasonInline={false}
      aria-label={`Remove revision ${cp.revision}`}
    >
      Remove
    </ActionButton>
  );
  if (verdict.state === 'checking') {
    return (
      <>
        <InventoryRemoval cp={cp} />
        <Box mt={0.5}>{button()}</Box>
      </>
    );
  }
  if (verdict.state === 'blocked') {
    return (
      <>
        <StatusWarning>Not removable</StatusWarning>
        <ReasonList reasons={verdict.reasons} />
        <Box mt={0.5}>{button(verdict.reasons.join('; '))}</Box>
      </>
    );
  }
  return (
    <>
      <StatusOK>Safe to remove</StatusOK>
      {verdict.note && (
        <Typography variant="caption" component="p" color="textSecondary">
          {verdict.note}
        </Typography>
      )}
      <Box mt={0.5}>{button()}</Box>
    </>
  );
}

const baseColumns: TableColumn<ControlPlane>[] = [
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
];

/**
 * A cluster's control planes: revision, version, support with end-of-life dates, tags, readiness,
 * what uses each, and whether it is safe to remove (with the reasons when not). With `actions`,
 * "Add revision" above the table and "Remove" on each control plane, enabled when its removal's
 * dry run passes and otherwise disabled with the reasons.
 */
export function ControlPlanesTable(props: {
  controlPlanes: ReadonlyArray<ControlPlane>;
  /** Offers adding and removing revisions; absent, neither is shown. */
  actions?: ControlPlaneActions;
}) {
  const { actions } = props;
  const columns: TableColumn<ControlPlane>[] = [
    ...baseColumns,
    {
      title: 'Removal',
      render: cp =>
        actions ? (
          <Removal
            cp={cp}
            verdict={actions.removal(cp)}
            onRemove={actions.onRemove}
          />
        ) : (
          <InventoryRemoval cp={cp} />
        ),
    },
  ];
  const table = (
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
  if (!actions) return table;
  return (
    <>
      <Box display="flex" justifyContent="flex-end" mb={1}>
        <ActionButton
          variant="contained"
          onClick={actions.onAdd}
          disabledReason={actions.addBlocker}
        >
          Add revision
        </ActionButton>
      </Box>
      {table}
    </>
  );
}
