import { Fragment } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityDisplayName,
  EntityRefLink,
} from '@backstage/plugin-catalog-react';

const CATALOG_KINDS_OF_PEOPLE = ['user', 'group'];

/** Whether a ref names a person or a team of the catalog, rather than a service (`plugin:scaffolder`). */
function isPersonOrTeam(ref: string): boolean {
  try {
    return CATALOG_KINDS_OF_PEOPLE.includes(
      parseEntityRef(ref).kind.toLocaleLowerCase('en-US'),
    );
  } catch {
    // Not an entity ref at all: shown as it is.
    return false;
  }
}

/**
 * Who asked, decided or owns: a person or team as the catalog's display name (its
 * `spec.profile.displayName` or title, falling back to the ref), linked to their entity page. A
 * service that asked on its own behalf has no entity and shows as its ref.
 */
export function PersonLink(props: {
  entityRef: string;
  /** False inside the label of a form control, where a link would compete with the control. */
  link?: boolean;
}) {
  const { entityRef, link = true } = props;
  if (!isPersonOrTeam(entityRef)) return <>{entityRef}</>;
  return link ? (
    <EntityRefLink entityRef={entityRef} hideIcon />
  ) : (
    <EntityDisplayName entityRef={entityRef} hideIcon disableTooltip />
  );
}

/** People and teams, each as a {@link PersonLink}, separated by commas. */
export function PersonLinks(props: {
  entityRefs: ReadonlyArray<string>;
  link?: boolean;
}) {
  return (
    <>
      {props.entityRefs.map((ref, i) => (
        <Fragment key={ref}>
          {i > 0 && ', '}
          <PersonLink entityRef={ref} link={props.link} />
        </Fragment>
      ))}
    </>
  );
}
