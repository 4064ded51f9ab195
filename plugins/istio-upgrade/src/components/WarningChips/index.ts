export { WarningChip, WarningChips, warningLabel } from './WarningChips';
export { explainWarning } from './warningExplanations';
