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

/**
 * The portal's link to a campaign: the fleet page's Campaigns tab with the campaign open. Backend
 * notifications and actions build the same link the page reads.
 *
 * @param appBaseUrl - the app's base URL (`app.baseUrl`)
 * @param campaignId - the campaign's id
 * @public
 */
export function campaignLink(appBaseUrl: string, campaignId: string): string {
  return `${appBaseUrl.replace(
    /\/+$/,
    '',
  )}/istio-upgrade?tab=campaigns&campaign=${encodeURIComponent(campaignId)}`;
}
