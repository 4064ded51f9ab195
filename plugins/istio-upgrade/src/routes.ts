import { createRouteRef } from '@backstage/core-plugin-api';

/** The fleet page (`/istio-upgrade`). */
export const rootRouteRef = createRouteRef({ id: 'istio-upgrade' });
