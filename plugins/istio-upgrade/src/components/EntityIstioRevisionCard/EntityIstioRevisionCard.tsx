import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import {
  compareIstioVersions,
  EntityCluster,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useEntityIstioView } from '../../hooks/useEntityIstioView';
import { RevisionChip } from '../RevisionChip';

/** A cluster's revisions in use by the entity's pods, and whether (and why) they are outdated. */
export function summarizeEntityCluster(entry: EntityCluster): {
  revisions: Array<{ revision?: string; version?: string; count: number }>;
  outdatedBecause: string[];
} {
  const counts = new Map<
    string,
    { revision?: string; version?: string; count: number }
  >();
  let drift = 0;
  for (const w of entry.workloads) {
    drift += w.podsNeedingRestart;
    for (const r of w.podsByRevision) {
      const key = r.revision ?? '';
      const known = counts.get(key);
      if (known) known.count += r.count;
      else counts.set(key, { ...r });
    }
  }
  const outdatedBecause: string[] = [];
  if (drift > 0) {
    outdatedBecause.push(
      `${drift} ${
        drift === 1 ? 'pod runs' : 'pods run'
      } another revision than asked for`,
    );
  }
  for (const ns of entry.namespaces) {
    const newer = ns.targets.find(
      t =>
        t.verdict === 'allowed' &&
        t.version !== undefined &&
        compareIstioVersions(t.version, ns.namespace.desiredVersion) > 0,
    );
    if (newer) {
      outdatedBecause.push(
        `${newer.revision} is available for ${ns.namespace.name}`,
      );
    }
  }
  const revisionsInUse = new Set(
    [...counts.values()].map(c => c.revision).filter(Boolean),
  );
  for (const w of entry.warnings) {
    if (
      w.code === 'end-of-life' &&
      w.subject.kind === 'ControlPlane' &&
      revisionsInUse.has(w.subject.name)
    ) {
      outdatedBecause.push(`${w.subject.name} is end of life`);
    }
  }
  return { revisions: [...counts.values()], outdatedBecause };
}

/**
 * The overview card of a service: one line per cluster with the sidecar revisions its pods run,
 * whether that is outdated (and why), and a link to the Istio tab.
 */
export function EntityIstioRevisionCard() {
  const { entity } = useEntity();
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const view = useEntityIstioView(ref);
  const entityLink = useEntityRefLink();
  const tab = `${entityLink(entity)}/istio`;
  return (
    <InfoCard
      title="Istio sidecars"
      deepLink={{ title: 'Open the Istio tab', link: tab }}
    >
      {view.loading && !view.value && <Progress />}
      {view.error && <ResponseErrorPanel error={view.error} />}
      {view.value && view.value.clusters.length === 0 && (
        <Typography variant="body2">
          No workload of {entity.metadata.name} runs in a synced cluster.
        </Typography>
      )}
      {view.value && view.value.clusters.length > 0 && (
        <List dense disablePadding aria-label="Sidecar revisions per cluster">
          {view.value.clusters.map(entry => {
            const { revisions, outdatedBecause } =
              summarizeEntityCluster(entry);
            return (
              <ListItem
                key={entry.cluster.name}
                disableGutters
                divider
                data-testid={`revision-card-${entry.cluster.name}`}
              >
                <Box width="100%">
                  <Box
                    display="flex"
                    gridGap={8}
                    alignItems="center"
                    flexWrap="wrap"
                  >
                    <Typography variant="subtitle2">
                      {entry.cluster.title ?? entry.cluster.name}
                    </Typography>
                    {revisions.map(r => (
                      <RevisionChip
                        key={r.revision ?? ''}
                        revision={r.revision}
                        version={r.version}
                        count={r.count}
                      />
                    ))}
                  </Box>
                  {outdatedBecause.length === 0 ? (
                    <StatusOK>Up to date</StatusOK>
                  ) : (
                    <StatusWarning>
                      Outdated: {outdatedBecause.join('; ')}
                    </StatusWarning>
                  )}
                </Box>
              </ListItem>
            );
          })}
        </List>
      )}
      <Box mt={1}>
        <Link to={tab}>Sidecars, migrations and history</Link>
      </Box>
    </InfoCard>
  );
}
