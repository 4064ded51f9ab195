import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import {
  Plan,
  RequestOptions,
} from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { PersonLinks } from '../PersonLink';

/** Which workloads a namespace migration restarts. */
export type RestartScope = NonNullable<RequestOptions['restartScope']>;

/** The namespace's workloads that are not the entity's, and their owners. */
export type SharedWith = NonNullable<Plan['sharedWith']>;

// Names without links: a link inside a radio button's label would compete with the radio button.
function WhoApproves(props: { owners: ReadonlyArray<string> }) {
  return props.owners.length > 0 ? (
    <>
      <PersonLinks entityRefs={props.owners} link={false} /> or an approver
    </>
  ) : (
    <>an approver</>
  );
}

/**
 * In a namespace where others' workloads run, the choice between restarting all of them (which,
 * unless the approval policy says otherwise, waits for their owners or an approver) and restarting
 * only the entity's.
 */
export function RestartScopeChoice(props: {
  namespace: string;
  /** The entity's name, as a person reads it. */
  entity: string;
  revision: string;
  sharedWith: SharedWith;
  /** Whether restarting the whole namespace waits for approval (the approval policy may say no). */
  approvalRequired: boolean;
  value: RestartScope;
  onChange: (scope: RestartScope) => void;
}) {
  const { namespace, entity, revision, sharedWith, value, onChange } = props;
  const others = sharedWith.workloads.length;
  const wholeNamespace = `Every workload in ${namespace}, also the ${others} that ${
    others === 1 ? 'is' : 'are'
  } not ${entity}'s`;
  return (
    <FormControl component="fieldset" margin="normal">
      <FormLabel component="legend">What restarts</FormLabel>
      <RadioGroup
        aria-label="What restarts"
        name="restartScope"
        value={value}
        onChange={e => onChange(e.target.value as RestartScope)}
      >
        <FormControlLabel
          value="namespace"
          control={<Radio />}
          label={
            props.approvalRequired ? (
              <>
                {wholeNamespace}: the request waits for{' '}
                <WhoApproves owners={sharedWith.owners} />
              </>
            ) : (
              wholeNamespace
            )
          }
        />
        <FormControlLabel
          value="entity"
          control={<Radio />}
          label={`Only ${entity}'s workloads: the others keep their proxies until their owners move`}
        />
      </RadioGroup>
      <FormHelperText>
        The namespace is relabelled either way, so the others' pods get{' '}
        {revision} when they next restart.
      </FormHelperText>
    </FormControl>
  );
}
