import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId } from 'react';
import { RevisionCandidate } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { PrecheckList } from '../RequestPlanView';
import { InstallChoice } from './installChoice';

/** A candidate's verdict in a few words: allowed (with its warnings counted), or blocked and why. */
export function candidateVerdict(candidate: RevisionCandidate): string {
  if (!candidate.allowed) {
    return `blocked: ${candidate.checks
      .filter(c => c.status === 'fail')
      .map(c => c.message)
      .join('; ')}`;
  }
  const warnings = candidate.checks.filter(c => c.status === 'warn').length;
  if (warnings === 0) return 'allowed';
  return `allowed, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`;
}

/**
 * The pick of the Istio version a new control plane runs: the candidates newest first, each with
 * the revision name it gets and its verdict; then the version, which may be edited to another patch
 * of the minor, the revision name that follows, and the candidate's checks.
 */
export function RevisionCandidatePicker(props: {
  candidates: ReadonlyArray<RevisionCandidate>;
  /** The minor picked, or '' while none is. */
  minor: string;
  onMinorChange: (minor: string) => void;
  versionText: string;
  onVersionTextChange: (text: string) => void;
  /** What the picked candidate and version ask for. */
  choice: InstallChoice | undefined;
}) {
  const { candidates, minor, choice } = props;
  const labelId = useId();
  const versionId = useId();
  const picked = candidates.find(c => c.minor === minor);
  const edited = picked && props.versionText.trim() !== picked.version;
  const badText = choice?.badVersion ? choice.refused : undefined;
  return (
    <>
      <FormControl fullWidth margin="normal">
        <InputLabel id={labelId}>Istio release</InputLabel>
        <Select
          labelId={labelId}
          value={minor}
          onChange={e => props.onMinorChange(e.target.value as string)}
        >
          {candidates.map(c => (
            <MenuItem key={c.minor} value={c.minor}>
              Istio {c.version} — revision {c.revision} — {candidateVerdict(c)}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {picked && (
        <>
          <TextField
            id={versionId}
            label="Version to install"
            value={props.versionText}
            onChange={e => props.onVersionTextChange(e.target.value)}
            error={badText !== undefined}
            helperText={
              badText ??
              `Another patch of Istio ${picked.minor} may be typed instead`
            }
            fullWidth
            margin="normal"
          />
          {choice && choice.refused === undefined && (
            <Typography variant="body2" data-testid="install-revision">
              The new revision is named <strong>{choice.revision}</strong>.
            </Typography>
          )}
          <Typography
            variant="subtitle2"
            component="h3"
            style={{ marginTop: 8 }}
          >
            Verdict for Istio {picked.version}:{' '}
            {picked.allowed ? 'allowed' : 'blocked'}
          </Typography>
          <PrecheckList checks={picked.checks} label="Verdict" />
          {edited && badText === undefined && (
            <Typography variant="caption" color="textSecondary">
              This verdict is for {picked.version}; the dry run below checks{' '}
              {props.versionText.trim()}.
            </Typography>
          )}
        </>
      )}
    </>
  );
}
