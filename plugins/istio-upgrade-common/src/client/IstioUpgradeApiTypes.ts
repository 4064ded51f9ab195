import { CreateRequest, operations, UpgradeRequest } from '../schema';

/**
 * Options of one call of {@link IstioUpgradeApiClient}: the Backstage token to send, when the caller's
 * `fetchApi` does not add one (backend callers pass a plugin request token per call).
 *
 * @public
 */
export interface IstioUpgradeCallOptions {
  token?: string;
}

/**
 * The filters of `GET /requests`: entity, cluster, one or more states, type and a limit.
 *
 * @public
 */
export type RequestFilter = Omit<
  NonNullable<operations['ListRequests']['parameters']['query']>,
  'state' | 'limit'
> & {
  /** One state or several; requests in any of them are listed. */
  state?: UpgradeRequest['state'] | UpgradeRequest['state'][];
  /** At most this many (1 to 200). */
  limit?: number;
};

/**
 * The query of `GET /clusters/{cluster}/prechecks`: the planned change.
 *
 * @public
 */
export type PrecheckQuery = operations['GetPrechecks']['parameters']['query'];

/**
 * A change to ask for: the body of `POST /requests` without `dryRun`, which the client's methods set.
 *
 * @public
 */
export type RequestDraft = Omit<CreateRequest, 'dryRun'>;
