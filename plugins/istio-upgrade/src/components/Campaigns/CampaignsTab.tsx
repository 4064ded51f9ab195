import { InfoCard, Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  FleetSummary,
  istioCampaignManagePermission,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { errorMessage } from '../../api/errorMessage';
import { useCampaigns } from '../../hooks/useCampaigns';
import { CampaignDetail } from './CampaignDetail';
import { CampaignList } from './CampaignList';
import { CreateCampaignDialog } from './CreateCampaignDialog';

/**
 * The fleet page's Campaigns tab: the campaigns, newest first and refreshed while any is active;
 * "New campaign" for the platform team (istio-upgrade.campaign.manage), with its dry-run plan; and
 * one campaign's detail (`?campaign=<id>`, so that it can be linked).
 */
export function CampaignsTab(props: { fleet?: FleetSummary }) {
  const campaigns = useCampaigns();
  const manager = usePermission({ permission: istioCampaignManagePermission });
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const openId = params.get('campaign');

  const open = (id: string | undefined) =>
    setParams(current => {
      const next = new URLSearchParams(current);
      if (id) next.set('campaign', id);
      else next.delete('campaign');
      return next;
    });

  if (openId) {
    return (
      <CampaignDetail
        id={openId}
        onClose={() => {
          open(undefined);
          campaigns.retry();
        }}
      />
    );
  }

  return (
    <InfoCard
      title="Campaigns"
      subheader="Fleet upgrades: rings of clusters, namespaces in waves within maintenance windows, each wave checked by a health gate."
      action={
        manager.allowed ? (
          <Button
            variant="contained"
            color="primary"
            onClick={() => setCreating(true)}
          >
            New campaign
          </Button>
        ) : undefined
      }
    >
      {!manager.loading && !manager.allowed && (
        <Box mb={2}>
          <Alert severity="info">
            Creating and deciding campaigns takes the
            istio-upgrade.campaign.manage permission (the platform team).
          </Alert>
        </Box>
      )}
      {campaigns.loading && !campaigns.value && <Progress />}
      {campaigns.error && (
        <Alert severity="warning">
          The campaigns are unavailable: {errorMessage(campaigns.error)}
        </Alert>
      )}
      {campaigns.value && campaigns.value.length === 0 && (
        <Typography variant="body2">No campaign yet.</Typography>
      )}
      {campaigns.value && campaigns.value.length > 0 && (
        <CampaignList campaigns={campaigns.value} onOpen={c => open(c.id)} />
      )}
      {creating && (
        <CreateCampaignDialog
          open
          fleet={props.fleet}
          onClose={() => setCreating(false)}
          onCreated={campaign => {
            setCreating(false);
            campaigns.retry();
            open(campaign.id);
          }}
        />
      )}
    </InfoCard>
  );
}
