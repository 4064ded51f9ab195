import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  compareIstioVersions,
  FleetSummary,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useFleet } from '../../hooks/useFleet';
import { FleetFilters, FleetFilterValues } from './FleetFilters';
import { FleetClusterTable } from './FleetClusterTable';
import { computeFleetTotals } from './fleetTotals';
import { FleetTotalsCard } from './FleetTotalsCard';
import { PageTabBar, PageTabBarItem } from './PageTabBar';
import { useAfterPaint } from './useAfterPaint';

// What the fleet tab does not show first comes in chunks of its own: the warnings table and the
// requests queue are material-table tables (with date pickers and drag and drop, about 480 kB of
// script), which the clusters table and the fleet's totals do not wait for.
const WarningsTable = lazy(() =>
  import('../WarningsTable').then(m => ({ default: m.WarningsTable })),
);
const RequestsQueue = lazy(() =>
  import('../RequestsQueue').then(m => ({ default: m.RequestsQueue })),
);
const CampaignsTab = lazy(() =>
  import('../Campaigns').then(m => ({ default: m.CampaignsTab })),
);
const RequestProgressView = lazy(() =>
  import('../RequestProgressView').then(m => ({
    default: m.RequestProgressView,
  })),
);

const NO_FILTER: FleetFilterValues = { team: '', cluster: '', version: '' };

/** The fleet narrowed to the clusters (and their warnings) that match the filters. */
export function filterFleet(fleet: FleetSummary, filters: FleetFilterValues) {
  const clusters = fleet.clusters.filter(
    c =>
      (!filters.team || c.teams.includes(filters.team)) &&
      (!filters.cluster || c.cluster.name === filters.cluster) &&
      (!filters.version ||
        c.revisions.some(r => r.version === filters.version)),
  );
  const names = new Set(clusters.map(c => c.cluster.name));
  const warnings = fleet.warnings.filter(
    w => w.cluster === undefined || names.has(w.cluster),
  );
  return { clusters, warnings };
}

function FleetOverview(props: { fleet: FleetSummary }) {
  const { fleet } = props;
  const [filters, setFilters] = useState<FleetFilterValues>(NO_FILTER);
  const options = useMemo(
    () => ({
      teams: [...new Set(fleet.clusters.flatMap(c => c.teams))].sort(),
      clusters: fleet.clusters.map(c => c.cluster),
      versions: [
        ...new Set(
          fleet.clusters.flatMap(c =>
            c.revisions.flatMap(r => (r.version ? [r.version] : [])),
          ),
        ),
      ].sort((a, b) => compareIstioVersions(b, a)),
    }),
    [fleet],
  );
  const { clusters, warnings } = useMemo(
    () => filterFleet(fleet, filters),
    [fleet, filters],
  );
  const totals = useMemo(() => computeFleetTotals(clusters), [clusters]);
  // Below the clusters table: mounted once the rows have painted.
  const belowTable = useAfterPaint();
  const endOfLife = warnings.filter(w =>
    ['end-of-life', 'end-of-life-soon', 'unsupported-skew'].includes(w.code),
  ).length;
  return (
    <>
      <FleetFilters
        values={filters}
        onChange={setFilters}
        teams={options.teams}
        clusters={options.clusters}
        versions={options.versions}
      />
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <FleetTotalsCard totals={totals} />
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Clusters"
            subheader={`The fleet's newest control plane is ${
              fleet.newestVersion ?? 'unknown'
            }. ${endOfLife} end-of-life or skew ${
              endOfLife === 1 ? 'finding' : 'findings'
            } in the clusters shown. Most urgent first: end of life, unsupported skew, drift, then behind the newest.`}
          >
            {clusters.length === 0 ? (
              <Typography variant="body2">
                No cluster matches the filters.
              </Typography>
            ) : (
              <FleetClusterTable
                clusters={clusters}
                warnings={warnings}
                fleetNewest={fleet.newestVersion}
              />
            )}
          </InfoCard>
        </Grid>
        {belowTable && (
          <Grid item xs={12}>
            <Suspense fallback={<Progress />}>
              <WarningsTable
                title="End of life, skew and other warnings"
                warnings={warnings}
                showCluster
              />
            </Suspense>
          </Grid>
        )}
      </Grid>
    </>
  );
}

/** The page's tabs, addressable as `?tab=campaigns` (the fleet is the default). */
type PageTab = 'fleet' | 'campaigns';

/** The request a link opens (`?request=<id>`, as notifications and campaign waves link to it). */
function LinkedRequest(props: { id: string; onDismiss: () => void }) {
  return (
    <Box component="section" aria-label="Linked request" mb={2}>
      <Suspense fallback={<Progress />}>
        <RequestProgressView requestId={props.id} onDismiss={props.onDismiss} />
      </Suspense>
    </Box>
  );
}

const PAGE_TABS: ReadonlyArray<PageTabBarItem<PageTab>> = [
  { value: 'fleet', label: 'Fleet' },
  { value: 'campaigns', label: 'Campaigns' },
];

/**
 * The fleet page, in two tabs. "Fleet": fleet-wide pods and namespaces per Istio version and per
 * revision; the clusters in a compact table, most urgent first, sortable, filterable and groupable
 * by owner; end-of-life and skew warnings across the fleet; filters by team, cluster and version;
 * and the requests queue where approvers decide. "Campaigns": fleet upgrade campaigns. A request
 * linked as `?request=<id>` shows above either tab.
 */
export function IstioUpgradePage() {
  const fleet = useFleet();
  // The requests queue lies below the clusters: it mounts once the fleet has come and painted.
  const queue = useAfterPaint(!fleet.loading);
  const [params, setParams] = useSearchParams();
  const tab: PageTab =
    params.get('tab') === 'campaigns' ? 'campaigns' : 'fleet';
  const linkedRequest = params.get('request');
  const change = useCallback(
    (edit: (next: URLSearchParams) => void) =>
      setParams(current => {
        const next = new URLSearchParams(current);
        edit(next);
        return next;
      }),
    [setParams],
  );
  const changeTab = useCallback(
    (value: PageTab) =>
      change(next => {
        if (value === 'campaigns') next.set('tab', value);
        else next.delete('tab');
        next.delete('campaign');
      }),
    [change],
  );
  return (
    <Page themeId="tool">
      <Header
        title="Istio fleet"
        subtitle="Control-plane revisions, gateways and sidecars across every cluster"
      />
      <Content>
        {linkedRequest && (
          <LinkedRequest
            id={linkedRequest}
            onDismiss={() => change(next => next.delete('request'))}
          />
        )}
        <Box mb={2}>
          <PageTabBar
            label="Fleet page"
            tabs={PAGE_TABS}
            value={tab}
            onChange={changeTab}
          />
        </Box>
        {tab === 'campaigns' ? (
          <Suspense fallback={<Progress />}>
            <CampaignsTab fleet={fleet.value} />
          </Suspense>
        ) : (
          <>
            <ContentHeader title="Clusters" />
            {fleet.loading && !fleet.value && <Progress />}
            {fleet.error && !fleet.value && (
              <ResponseErrorPanel error={fleet.error} />
            )}
            {fleet.value && fleet.value.clusters.length === 0 && (
              <EmptyState
                missing="data"
                title="No clusters in the catalog"
                description="Register clusters as Resource entities of type kubernetes-cluster with the Kubernetes plugin's annotations (kubernetes.io/api-server, kubernetes.io/auth-provider)."
              />
            )}
            {fleet.value && fleet.value.clusters.length > 0 && (
              <FleetOverview fleet={fleet.value} />
            )}
            <Box mt={4}>
              <ContentHeader title="Requests" />
              {queue ? (
                <Suspense fallback={<Progress />}>
                  <RequestsQueue />
                </Suspense>
              ) : (
                <Progress />
              )}
            </Box>
          </>
        )}
      </Content>
    </Page>
  );
}
