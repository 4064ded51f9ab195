import { LabelRequirement, LabelSelector } from './LabelSelector';

function matchesRequirement(
  requirement: LabelRequirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Equals':
    case 'In':
      return has && requirement.values.includes(value!);
    case 'NotEquals':
    case 'NotIn':
      // As in Kubernetes, a missing label satisfies `!=` and `notin`.
      return !has || !requirement.values.includes(value!);
    default:
      return false;
  }
}

/**
 * Whether labels satisfy every requirement of a selector.
 *
 * @public
 */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  return selector.requirements.every(r => matchesRequirement(r, labels));
}
