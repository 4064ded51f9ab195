export {
  ACTIVE_REQUEST_STATES,
  FINAL_REQUEST_STATES,
  isActiveRequestState,
  isFinalRequestState,
} from './requestStates';
export { campaignLink, requestLink } from './requestLink';
