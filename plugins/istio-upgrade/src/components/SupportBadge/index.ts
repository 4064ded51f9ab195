export { SupportBadge, describeSupport } from './SupportBadge';
