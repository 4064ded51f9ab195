export { CampaignsTab } from './CampaignsTab';
export { ScheduledWavesCard } from './ScheduledWavesCard';
