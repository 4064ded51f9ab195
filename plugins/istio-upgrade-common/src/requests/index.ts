export {
  ACTIVE_REQUEST_STATES,
  FINAL_REQUEST_STATES,
  isActiveRequestState,
  isFinalRequestState,
} from './requestStates';
export { requestLink } from './requestLink';
