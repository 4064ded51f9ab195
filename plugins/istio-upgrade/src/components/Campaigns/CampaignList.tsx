import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { Campaign } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { PersonLink } from '../PersonLink';
import { CampaignStateChip } from './CampaignStateChip';
import { clusterProgress } from './campaignStates';
import { LabelledProgress } from './LabelledProgress';

function currentRingName(campaign: Campaign): string {
  if (campaign.currentRing === undefined) return '—';
  const ring = campaign.plan.rings.find(r => r.index === campaign.currentRing);
  return ring
    ? `${ring.index + 1}: ${ring.name}`
    : String(campaign.currentRing + 1);
}

/**
 * Campaigns, newest first: name, target version, state, current ring, who asked, and a progress
 * bar of clusters done out of all; "Open" shows one.
 */
export function CampaignList(props: {
  campaigns: ReadonlyArray<Campaign>;
  onOpen: (campaign: Campaign) => void;
}) {
  const campaigns = [...props.campaigns].sort((a, b) =>
    b.requestedAt.localeCompare(a.requestedAt),
  );
  return (
    <Table size="small" aria-label="Campaigns">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Target</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Current ring</TableCell>
          <TableCell>Requested by</TableCell>
          <TableCell>Clusters done</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {campaigns.map(c => {
          const progress = clusterProgress(c);
          return (
            <TableRow key={c.id} data-testid={`campaign-${c.id}`}>
              <TableCell>{c.name}</TableCell>
              <TableCell>{c.targetVersion}</TableCell>
              <TableCell>
                <CampaignStateChip state={c.state} />
              </TableCell>
              <TableCell>{currentRingName(c)}</TableCell>
              <TableCell>
                <PersonLink entityRef={c.requestedBy} />
              </TableCell>
              <TableCell>
                <LabelledProgress
                  label={`Clusters done of ${c.name}`}
                  done={progress.done}
                  total={progress.total}
                  unit="clusters"
                />
              </TableCell>
              <TableCell>
                <Button
                  size="small"
                  onClick={() => props.onOpen(c)}
                  aria-label={`Open campaign ${c.name}`}
                >
                  Open
                </Button>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
