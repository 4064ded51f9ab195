import { useApi } from '@backstage/core-plugin-api';
import { FleetSummary } from '@istio-upgrade/backstage-plugin-istio-upgrade-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { IstioUpgradeApi, istioUpgradeApiRef } from '../api/IstioUpgradeApi';

/** How long a fleet request started by a render may wait to be taken by that render's effect. */
const EARLY_REQUEST_TTL_MS = 10_000;

const earlyRequests = new WeakMap<
  IstioUpgradeApi,
  { promise: Promise<FleetSummary>; startedAt: number }
>();

/**
 * Starts `GET /fleet` while the page renders, not once React has committed it: with 200 clusters the
 * fleet page's first commit (its header, tabs and requests queue, MUI's style sheets) comes a few
 * hundred milliseconds after its first render, and an effect would only ask for the fleet then.
 * Renders that React repeats (strict mode) or discards share the one request; an unclaimed one
 * expires, so that a later visit never gets an old fleet.
 */
function startFleetRequest(api: IstioUpgradeApi): void {
  const early = earlyRequests.get(api);
  if (early && Date.now() - early.startedAt < EARLY_REQUEST_TTL_MS) return;
  const promise = api.getFleet();
  // Failures reach whoever takes the request; an unclaimed one must not be an unhandled rejection.
  promise.catch(() => undefined);
  earlyRequests.set(api, { promise, startedAt: Date.now() });
}

/** The request {@link startFleetRequest} started, once, or a new one when there is none (a retry). */
function takeFleetRequest(api: IstioUpgradeApi): Promise<FleetSummary> {
  const early = earlyRequests.get(api);
  earlyRequests.delete(api);
  return early && Date.now() - early.startedAt < EARLY_REQUEST_TTL_MS
    ? early.promise
    : api.getFleet();
}

/** The fleet summary: every cluster's revisions and versions, and the fleet's warnings. */
export function useFleet() {
  const api = useApi(istioUpgradeApiRef);
  // A state initializer runs in the first render only: the request leaves before the commit.
  useState(() => startFleetRequest(api));
  return useAsyncRetry(() => takeFleetRequest(api), [api]);
}
