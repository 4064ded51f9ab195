import { StatusError, Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { RevisionTag } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { ActionButton } from '../ActionButton';

/**
 * A cluster's revision tags, the revision each points at (or that it points at nothing), the
 * namespaces that use it, and "Move tag".
 */
export function RevisionTagsTable(props: {
  tags: ReadonlyArray<RevisionTag>;
  /** Why a tag cannot be moved now, if it cannot. */
  blocker: (tag: RevisionTag) => string | undefined;
  pending: boolean;
  onMove: (tag: RevisionTag) => void;
}) {
  const { blocker, pending, onMove } = props;
  const columns: TableColumn<RevisionTag>[] = [
    { title: 'Tag', field: 'name', highlight: true },
    {
      title: 'Points at',
      render: t =>
        t.revisionExists ? (
          t.revision
        ) : (
          <StatusError>
            {t.revision ? `${t.revision} (missing)` : 'no revision'}
          </StatusError>
        ),
    },
    {
      title: 'Used by namespaces',
      render: t => (t.namespaces.length ? t.namespaces.join(', ') : '—'),
    },
    {
      title: '',
      render: t => (
        <ActionButton
          onClick={() => onMove(t)}
          disabledReason={blocker(t)}
          pending={pending}
          data-testid={`move-tag-${t.name}`}
        >
          Move tag
        </ActionButton>
      ),
    },
  ];
  return (
    <Table<RevisionTag>
      title="Revision tags"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={[...props.tags]}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No revision tag is set in this cluster.
          </Typography>
        </Box>
      }
    />
  );
}
