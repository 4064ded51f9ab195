export {
  EntityIstioRevisionCard,
  summarizeEntityCluster,
} from './EntityIstioRevisionCard';
