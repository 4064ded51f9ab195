import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useId, useMemo, useState } from 'react';
import {
  Campaign,
  CampaignPlan,
  compareIstioVersions,
  FleetSummary,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef } from '../../api/IstioUpgradeApi';
import { errorMessage } from '../../api/errorMessage';
import { ActionButton } from '../ActionButton';
import {
  CampaignForm,
  campaignDraftOf,
  emptyCampaignForm,
} from './campaignDraft';
import { CampaignPlanView } from './CampaignPlanView';
import { RingsEditor } from './RingsEditor';
import { LabelledTextField } from './LabelledTextField';

/** The Istio versions the fleet runs, newest first: the choices of a campaign's target. */
export function fleetVersions(fleet?: FleetSummary): string[] {
  const versions = new Set<string>();
  if (fleet?.newestVersion) versions.add(fleet.newestVersion);
  for (const c of fleet?.clusters ?? []) {
    for (const r of c.revisions) if (r.version) versions.add(r.version);
  }
  return [...versions].sort((a, b) => compareIstioVersions(b, a));
}

type NumberField = {
  [K in keyof CampaignForm]: CampaignForm[K] extends string ? K : never;
}[keyof CampaignForm];

/**
 * A new campaign: name, target version, rings of clusters, waves, the cluster steps, soak time, the
 * health gate's limits and the owners' notice and deferral limits. "Plan" shows the dry run (every
 * request, per ring, cluster and wave); "Create campaign" asks for it once the plan shown is the
 * plan of what the form says. The backend's refusals (an unknown cluster, a target a cluster
 * cannot take) are shown as it words them.
 */
export function CreateCampaignDialog(props: {
  open: boolean;
  fleet?: FleetSummary;
  onClose: () => void;
  onCreated: (campaign: Campaign) => void;
}) {
  const { open, fleet, onClose, onCreated } = props;
  const api = useApi(istioUpgradeApiRef);
  const titleId = useId();
  const versions = useMemo(() => fleetVersions(fleet), [fleet]);
  const clusters = useMemo(
    () =>
      (fleet?.clusters ?? []).map(c => ({
        name: c.cluster.name,
        title: c.cluster.title,
      })),
    [fleet],
  );
  const [form, setForm] = useState<CampaignForm>(() =>
    emptyCampaignForm(versions[0]),
  );
  const [plan, setPlan] = useState<{ key: string; plan: CampaignPlan }>();
  const [busy, setBusy] = useState<'plan' | 'create'>();
  const [error, setError] = useState<string>();

  const drafted = useMemo(() => campaignDraftOf(form), [form]);
  const draftKey = 'draft' in drafted ? JSON.stringify(drafted.draft) : '';
  const planIsCurrent = plan !== undefined && plan.key === draftKey;

  const set = <K extends keyof CampaignForm>(key: K, value: CampaignForm[K]) =>
    setForm(f => ({ ...f, [key]: value }));

  const numberField = (
    key: NumberField,
    label: string,
    helperText?: string,
  ) => (
    <LabelledTextField
      label={label}
      helperText={helperText}
      size="small"
      variant="outlined"
      inputProps={{ inputMode: 'decimal' }}
      value={form[key]}
      onChange={e => set(key, e.target.value)}
    />
  );

  const runPlan = async () => {
    setError(undefined);
    if ('problem' in drafted) {
      setError(drafted.problem);
      return;
    }
    setBusy('plan');
    try {
      const answer = await api.planCampaign(drafted.draft);
      setPlan({ key: draftKey, plan: answer });
    } catch (e) {
      setPlan(undefined);
      setError(errorMessage(e as Error));
    } finally {
      setBusy(undefined);
    }
  };

  const create = async () => {
    if (!('draft' in drafted)) return;
    setError(undefined);
    setBusy('create');
    try {
      onCreated(await api.createCampaign(drafted.draft));
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby={titleId}
    >
      <DialogTitle id={titleId}>New campaign</DialogTitle>
      <DialogContent>
        <Box display="flex" gridGap={16} flexWrap="wrap" mb={2}>
          <LabelledTextField
            label="Campaign name"
            size="small"
            variant="outlined"
            required
            value={form.name}
            onChange={e => set('name', e.target.value)}
          />
          <Autocomplete
            freeSolo
            options={versions}
            value={form.targetVersion || null}
            onChange={(_, value) => set('targetVersion', value ?? '')}
            inputValue={form.targetVersion}
            onInputChange={(_, value) => set('targetVersion', value)}
            style={{ minWidth: 200 }}
            renderInput={params => (
              <TextField
                {...params}
                label="Target version"
                size="small"
                variant="outlined"
                required
              />
            )}
          />
        </Box>
        <RingsEditor
          rings={form.rings}
          clusters={clusters}
          onChange={rings => set('rings', rings)}
        />
        <Box component="section" aria-label="Waves and steps" mt={2}>
          <Typography variant="subtitle2" component="h3" gutterBottom>
            Within each cluster
          </Typography>
          <Box display="flex" gridGap={16} flexWrap="wrap" alignItems="center">
            {numberField(
              'namespacesPerWave',
              'Namespaces per wave',
              'smallest namespaces first',
            )}
            <LabelledTextField
              label="Namespaces left out"
              helperText="besides the protected ones; comma-separated"
              size="small"
              variant="outlined"
              value={form.exclude}
              onChange={e => set('exclude', e.target.value)}
            />
            <FormGroup row>
              <FormControlLabel
                control={
                  <Checkbox
                    checked={form.gatewayCutover}
                    onChange={e => set('gatewayCutover', e.target.checked)}
                  />
                }
                label="Gateway cutover"
              />
              <FormControlLabel
                control={
                  <Checkbox
                    checked={form.tagMove}
                    onChange={e => set('tagMove', e.target.checked)}
                  />
                }
                label="Tag move"
              />
              <FormControlLabel
                control={
                  <Checkbox
                    checked={form.removeOldRevision}
                    onChange={e => set('removeOldRevision', e.target.checked)}
                  />
                }
                label="Remove old revision"
              />
            </FormGroup>
          </Box>
        </Box>
        <Box component="section" aria-label="Pace and health gate" mt={2}>
          <Typography variant="subtitle2" component="h3" gutterBottom>
            Pace, health gate and owners
          </Typography>
          <Box display="flex" gridGap={16} flexWrap="wrap">
            {numberField(
              'soakSeconds',
              'Soak seconds',
              'between rings; empty: the portal default',
            )}
            {numberField(
              'gateWindowSeconds',
              'Gate window seconds',
              'compared before and after each wave; empty: the portal default',
            )}
            {numberField(
              'max5xxIncreasePoints',
              'Max 5xx increase (points)',
              'empty: the portal default',
            )}
            {numberField(
              'maxP99IncreasePercent',
              'Max p99 increase (%)',
              'empty: the portal default',
            )}
            {numberField(
              'notifyAheadSeconds',
              'Notify ahead seconds',
              'owners are told this long before their wave; empty: the portal default',
            )}
            {numberField(
              'maxDeferSeconds',
              'Max defer seconds',
              'the most an owner may defer, once; empty: the portal default',
            )}
          </Box>
        </Box>
        <Box mt={2}>
          <LabelledTextField
            label="Comment"
            size="small"
            variant="outlined"
            fullWidth
            value={form.comment}
            onChange={e => set('comment', e.target.value)}
          />
        </Box>
        <Box mt={2}>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          {busy === 'plan' && <Progress />}
          {plan && (
            <Box mt={1}>
              {!planIsCurrent && (
                <Alert severity="info">
                  The form changed since this plan: plan again before creating.
                </Alert>
              )}
              <CampaignPlanView plan={plan.plan} />
            </Box>
          )}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="outlined"
          color="primary"
          onClick={runPlan}
          disabled={busy !== undefined}
        >
          Plan
        </Button>
        <ActionButton
          variant="contained"
          color="primary"
          onClick={create}
          pending={busy !== undefined}
          disabledReason={
            planIsCurrent
              ? undefined
              : 'Plan first: the dry run shows every request the campaign makes'
          }
        >
          Create campaign
        </ActionButton>
      </DialogActions>
    </Dialog>
  );
}
