import { RequestState } from '../schema';
import {
  ACTIVE_REQUEST_STATES,
  FINAL_REQUEST_STATES,
  isActiveRequestState,
  isFinalRequestState,
} from './requestStates';
import { requestLink } from './requestLink';

const EVERY_STATE: Record<RequestState, true> = {
  'pending-approval': true,
  approved: true,
  running: true,
  succeeded: true,
  failed: true,
  'rolled-back': true,
  rejected: true,
  cancelled: true,
};

describe('request states', () => {
  it('puts every state in exactly one of active and final', () => {
    expect([...ACTIVE_REQUEST_STATES, ...FINAL_REQUEST_STATES].sort()).toEqual(
      Object.keys(EVERY_STATE).sort(),
    );
    for (const state of Object.keys(EVERY_STATE) as RequestState[]) {
      expect(isActiveRequestState(state)).toBe(!isFinalRequestState(state));
    }
  });

  it('counts a request waiting for approval as active and a rejected one as final', () => {
    expect(isActiveRequestState('pending-approval')).toBe(true);
    expect(isFinalRequestState('rejected')).toBe(true);
  });
});

describe('requestLink', () => {
  it("links to the request's portal page, whatever the base URL's trailing slashes", () => {
    expect(requestLink('https://portal.example.com//', 'r-1')).toBe(
      'https://portal.example.com/istio-upgrade?request=r-1',
    );
    expect(requestLink('', 'a b')).toBe('/istio-upgrade?request=a%20b');
  });
});
