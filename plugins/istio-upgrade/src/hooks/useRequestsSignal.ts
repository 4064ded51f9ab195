import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';

/** The Backstage signal channel the backend announces request changes on. */
export const REQUESTS_SIGNAL_CHANNEL = 'istio-upgrade:requests';

/**
 * Calls `onSignal` whenever the backend announces a change to requests, optionally only for one
 * request (a message naming another request is ignored; one naming none counts for all). Without
 * the signals plugin it does nothing, and the callers' polling keeps them current.
 */
export function useRequestsSignal(
  onSignal: () => void,
  requestId?: string,
): void {
  // The backend's message: { id, state, podsMigrated, podsInScope } of the request that changed.
  const { lastSignal } = useSignal<{ id?: string }>(REQUESTS_SIGNAL_CHANNEL);
  const callback = useRef(onSignal);
  callback.current = onSignal;
  useEffect(() => {
    if (!lastSignal) return;
    const named = lastSignal.id;
    if (requestId === undefined || named === undefined || named === requestId) {
      callback.current();
    }
  }, [lastSignal, requestId]);
}
