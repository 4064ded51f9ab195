/**
 * The portal page of a request, as notifications, template steps and actions link to it.
 *
 * @param appBaseUrl - the app's base URL (`app.baseUrl`), with or without a trailing slash
 * @param requestId - the request's id
 * @public
 */
export function requestLink(appBaseUrl: string, requestId: string): string {
  return `${appBaseUrl.replace(
    /\/+$/,
    '',
  )}/istio-upgrade?request=${encodeURIComponent(requestId)}`;
}
