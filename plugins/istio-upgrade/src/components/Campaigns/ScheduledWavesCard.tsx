import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Alert from '@material-ui/lab/Alert';
import { useId, useMemo, useState } from 'react';
import { ScheduledNamespace } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { istioUpgradeApiRef } from '../../api/IstioUpgradeApi';
import { errorMessage } from '../../api/errorMessage';
import { useEntityCampaignWaves } from '../../hooks/useEntityCampaignWaves';
import { PersonLink } from '../PersonLink';
import { WAVE_STATE_LABELS } from './campaignStates';
import { formatDuration, formatWhen } from './campaignFormat';

const HOUR = 3600;
const DEFER_CHOICES_HOURS = [1, 2, 4, 8, 12, 24, 48, 72, 168, 336, 720];

/** How long a namespace may be deferred by: whole hours up to the limit, and the limit itself. */
export function deferChoices(maxDeferSeconds: number): number[] {
  const hours = DEFER_CHOICES_HOURS.map(h => h * HOUR).filter(
    s => s < maxDeferSeconds,
  );
  return maxDeferSeconds > 0 ? [...hours, maxDeferSeconds] : [];
}

function DeferDialog(props: {
  scheduled: ScheduledNamespace;
  onDefer: (seconds: number) => Promise<void>;
  onClose: () => void;
}) {
  const { scheduled, onDefer, onClose } = props;
  const titleId = useId();
  const labelId = useId();
  const choices = deferChoices(scheduled.maxDeferSeconds);
  const [seconds, setSeconds] = useState(
    choices.find(s => s === 24 * HOUR) ?? choices[choices.length - 1],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onDefer(seconds);
    } catch (e) {
      setError(errorMessage(e as Error));
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>
        Defer {scheduled.namespace} on {scheduled.cluster}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          The namespace's wave of campaign {scheduled.campaignName} waits this
          long. A namespace is deferred once, by at most{' '}
          {formatDuration(scheduled.maxDeferSeconds)}; the platform team sees
          every deferral.
        </DialogContentText>
        <FormControl variant="outlined" size="small" style={{ minWidth: 200 }}>
          <InputLabel id={labelId}>Defer by</InputLabel>
          <Select
            labelId={labelId}
            label="Defer by"
            value={seconds}
            onChange={e => setSeconds(Number(e.target.value))}
          >
            {choices.map(s => (
              <MenuItem key={s} value={s}>
                {formatDuration(s)}
                {s === scheduled.maxDeferSeconds ? ' (the most allowed)' : ''}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {error && (
          <Box mt={1}>
            <Alert severity="error">{error}</Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={confirm}
          disabled={busy || seconds === undefined}
        >
          Defer
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The service tab's "Scheduled upgrade waves": per namespace of the service in a campaign, which
 * campaign, cluster, ring and wave, its state and estimated start, and whether its owners were
 * told, deferred it or opted in. Owners may defer once or opt into an earlier wave, as the backend
 * allows (`canDefer`, `canOptIn`). Hidden when no campaign holds the service's namespaces.
 */
export function ScheduledWavesCard() {
  const { entity } = useEntity();
  const api = useApi(istioUpgradeApiRef);
  const entityRef = stringifyEntityRef(entity);
  const compoundRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const waves = useEntityCampaignWaves(compoundRef);
  const [deferring, setDeferring] = useState<ScheduledNamespace>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  if (!waves.value || waves.value.length === 0) return null;

  const change = async (
    s: ScheduledNamespace,
    action: 'defer' | 'opt-in',
    seconds?: number,
  ) => {
    await api.changeNamespaceSchedule(s.campaignId, action, {
      cluster: s.cluster,
      namespace: s.namespace,
      entityRef,
      ...(seconds === undefined ? {} : { seconds }),
    });
    waves.retry();
  };

  const optIn = async (s: ScheduledNamespace) => {
    setBusy(true);
    setError(undefined);
    try {
      await change(s, 'opt-in');
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box component="section" aria-label="Scheduled upgrade waves" mb={2}>
      <InfoCard
        title="Scheduled upgrade waves"
        subheader="Fleet upgrade campaigns that will move this service's namespaces to a new Istio revision."
      >
        {error && (
          <Box mb={1}>
            <Alert severity="error">{error}</Alert>
          </Box>
        )}
        <Table size="small" aria-label="Scheduled namespaces">
          <TableHead>
            <TableRow>
              <TableCell>Namespace</TableCell>
              <TableCell>Campaign</TableCell>
              <TableCell>Cluster</TableCell>
              <TableCell>Ring</TableCell>
              <TableCell>Wave</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Estimated start</TableCell>
              <TableCell>Owners</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {waves.value.map(s => (
              <TableRow
                key={`${s.campaignId}/${s.cluster}/${s.namespace}`}
                data-testid={`scheduled-${s.cluster}-${s.namespace}`}
              >
                <TableCell>{s.namespace}</TableCell>
                <TableCell>{s.campaignName}</TableCell>
                <TableCell>{s.cluster}</TableCell>
                <TableCell>{s.ring}</TableCell>
                <TableCell>{s.wave + 1}</TableCell>
                <TableCell>{WAVE_STATE_LABELS[s.state]}</TableCell>
                <TableCell>{formatWhen(s.estimatedStart)}</TableCell>
                <TableCell>
                  {s.notifiedAt
                    ? `Told ${formatWhen(s.notifiedAt)}`
                    : 'Not told yet'}
                  {s.deferredUntil && (
                    <>
                      ; deferred until {formatWhen(s.deferredUntil)}
                      {s.deferredBy && (
                        <>
                          {' '}
                          by <PersonLink entityRef={s.deferredBy} />
                        </>
                      )}
                    </>
                  )}
                  {s.optedInBy && (
                    <>
                      ; opted in by <PersonLink entityRef={s.optedInBy} />
                    </>
                  )}
                </TableCell>
                <TableCell>
                  <Box display="flex" gridGap={8}>
                    <Button
                      size="small"
                      variant="outlined"
                      disabled={busy || !s.canDefer}
                      onClick={() => setDeferring(s)}
                      aria-label={`Defer ${s.namespace} on ${s.cluster}`}
                    >
                      Defer
                    </Button>
                    <Button
                      size="small"
                      variant="outlined"
                      disabled={busy || !s.canOptIn}
                      onClick={() => optIn(s)}
                      aria-label={`Opt ${s.namespace} on ${s.cluster} in to an earlier wave`}
                    >
                      Opt in to an earlier wave
                    </Button>
                  </Box>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </InfoCard>
      {deferring && (
        <DeferDialog
          scheduled={deferring}
          onClose={() => setDeferring(undefined)}
          onDefer={async seconds => {
            await change(deferring, 'defer', seconds);
            setDeferring(undefined);
          }}
        />
      )}
    </Box>
  );
}
