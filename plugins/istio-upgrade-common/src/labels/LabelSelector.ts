/**
 * How a requirement of a label selector tests one label.
 *
 * @public
 */
export type LabelSelectorOperator =
  | 'Equals'
  | 'NotEquals'
  | 'In'
  | 'NotIn'
  | 'Exists'
  | 'DoesNotExist';

/**
 * One comma-separated term of a label selector (`tier in (web,api)`).
 *
 * @public
 */
export interface LabelRequirement {
  key: string;
  operator: LabelSelectorOperator;
  /** One value for Equals/NotEquals, one or more for In/NotIn, none for Exists/DoesNotExist. */
  values: string[];
}

/**
 * A parsed Kubernetes label selector: every requirement must hold. No requirement matches
 * everything, as in Kubernetes.
 *
 * @public
 */
export interface LabelSelector {
  requirements: LabelRequirement[];
}
