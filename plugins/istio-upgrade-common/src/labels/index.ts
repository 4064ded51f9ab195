export type {
  LabelSelector,
  LabelRequirement,
  LabelSelectorOperator,
} from './LabelSelector';
export { parseLabelSelector } from './parseLabelSelector';
export { matchesLabelSelector } from './matchesLabelSelector';
export { formatLabelSelector } from './formatLabelSelector';
export { labelSelectorFromLabels } from './labelSelectorFromLabels';
