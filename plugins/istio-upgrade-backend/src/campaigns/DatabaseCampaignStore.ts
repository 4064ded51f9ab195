import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { LeasedRows } from '../database/leasedRows';
import { pluginDatabase } from '../database/pluginDatabase';
import { isUniqueViolation, nowIso } from '../requests/requestRows';
import {
  CAMPAIGN_CLUSTERS,
  CAMPAIGN_EVENTS,
  CAMPAIGN_NAMESPACES,
  CAMPAIGNS,
  campaignEventRow,
  changeColumns,
  distinctClusters,
  isActiveCampaignState,
  toCampaign,
  toCampaignEvent,
  toSchedule,
} from './campaignRows';
import {
  ACTIVE_CAMPAIGN_STATES,
  CampaignChange,
  CampaignFilter,
  CampaignLease,
  CampaignStore,
  NamespaceSchedule,
  NewCampaign,
  NewCampaignEvent,
  RUNNABLE_CAMPAIGN_STATES,
  StoredCampaign,
  StoredCampaignEvent,
} from './CampaignStore';

/** How many namespaces one query of {@link DatabaseCampaignStore.schedulesFor} asks about. */
const SCHEDULE_CHUNK = 200;

/**
 * The {@link CampaignStore} in the plugin's database, beside the requests: state changes are
 * conditional updates, the unique `active_cluster` column of the campaign's clusters refuses a second
 * active campaign on a cluster, and writes under a lease happen only while the lease's owner and
 * fencing token still match and it has not expired.
 */
export class DatabaseCampaignStore implements CampaignStore {
  private readonly leases: LeasedRows;

  private constructor(private readonly db: Knex) {
    this.leases = new LeasedRows(db, CAMPAIGNS, RUNNABLE_CAMPAIGN_STATES);
  }

  /**
   * Connects to the plugin's database and brings its tables up to date, unless told not to. The
   * migrations are the plugin's one set (the same directory and table as the request store's), so
   * whichever store is created first runs them and the other finds nothing to do.
   */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseCampaignStore> {
    const db = await pluginDatabase(options);
    return new DatabaseCampaignStore(db);
  }

  async insert(
    campaign: NewCampaign,
    event: NewCampaignEvent,
  ): Promise<StoredCampaign> {
    const clusters = distinctClusters(campaign.clusters);
    const holds = isActiveCampaignState(campaign.state);
    try {
      await this.db.transaction(async tx => {
        await tx(CAMPAIGNS).insert({
          id: campaign.id,
          name: campaign.name,
          state: campaign.state,
          target_version: campaign.targetVersion,
          spec: JSON.stringify(campaign.spec),
          plan: JSON.stringify(campaign.plan),
          requested_by: campaign.requestedBy,
          requested_at: campaign.requestedAt,
          updated_at: campaign.requestedAt,
          comment: campaign.comment ?? null,
          pause_requested: false,
          skip_requested: JSON.stringify([]),
          fencing_token: 0,
        });
        if (clusters.length > 0) {
          await tx(CAMPAIGN_CLUSTERS).insert(
            clusters.map((cluster, position) => ({
              campaign_id: campaign.id,
              cluster,
              position,
              active_cluster: holds ? cluster : null,
            })),
          );
        }
        await tx(CAMPAIGN_EVENTS).insert(
          campaignEventRow(campaign.id, event, campaign.requestedAt),
        );
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const holder = await this.db(CAMPAIGN_CLUSTERS)
        .join(CAMPAIGNS, `${CAMPAIGNS}.id`, `${CAMPAIGN_CLUSTERS}.campaign_id`)
        .whereIn(`${CAMPAIGN_CLUSTERS}.active_cluster`, clusters)
        .orderBy(`${CAMPAIGN_CLUSTERS}.active_cluster`, 'asc')
        .first(
          `${CAMPAIGN_CLUSTERS}.active_cluster as cluster`,
          `${CAMPAIGNS}.id as id`,
          `${CAMPAIGNS}.name as name`,
          `${CAMPAIGNS}.state as state`,
        );
      if (holder) {
        throw new ConflictError(
          `cluster ${holder.cluster} is already in active campaign ${holder.name} (${holder.id}, ${holder.state})`,
        );
      }
      if (await this.db(CAMPAIGNS).where({ id: campaign.id }).first('id')) {
        throw new ConflictError(`campaign ${campaign.id} already exists`);
      }
      // The campaign that held a cluster ended between the refusal and the look-up.
      throw new ConflictError(
        `a cluster of campaign ${campaign.name} was held by another active campaign; try again`,
      );
    }
    return (await this.get(campaign.id))!;
  }

  async get(id: string): Promise<StoredCampaign | undefined> {
    const row = await this.db(CAMPAIGNS).where({ id }).first();
    if (!row) return undefined;
    const clusters = await this.clustersOf([id]);
    return toCampaign(row, clusters.get(id) ?? []);
  }

  async list(filter: CampaignFilter = {}): Promise<StoredCampaign[]> {
    const query = this.db(CAMPAIGNS)
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'asc')
      .limit(filter.limit ?? 50);
    if (filter.states) query.whereIn('state', filter.states);
    if (filter.cluster) {
      query.whereIn(
        'id',
        this.db(CAMPAIGN_CLUSTERS)
          .where({ cluster: filter.cluster })
          .select('campaign_id'),
      );
    }
    const rows = await query;
    const clusters = await this.clustersOf(rows.map(row => row.id));
    return rows.map(row => toCampaign(row, clusters.get(row.id) ?? []));
  }

  async activeFor(cluster: string): Promise<StoredCampaign | undefined> {
    const held = await this.db(CAMPAIGN_CLUSTERS)
      .where({ active_cluster: cluster })
      .first('campaign_id');
    return held ? this.get(held.campaign_id) : undefined;
  }

  async events(id: string): Promise<StoredCampaignEvent[]> {
    const rows = await this.db(CAMPAIGN_EVENTS)
      .where({ campaign_id: id })
      .orderBy('id', 'asc');
    return rows.map(toCampaignEvent);
  }

  async appendEvents(
    id: string,
    events: NewCampaignEvent[],
    lease?: CampaignLease,
  ): Promise<boolean> {
    if (events.length === 0) return true;
    const rows = events.map(event => campaignEventRow(id, event));
    if (!lease) {
      await this.db.batchInsert(CAMPAIGN_EVENTS, rows, 200);
      return true;
    }
    return this.fenced(id, lease, 'share', async tx => {
      await this.db.batchInsert(CAMPAIGN_EVENTS, rows, 200).transacting(tx);
      return true;
    });
  }

  async appendEvent(
    id: string,
    event: NewCampaignEvent,
    lease?: CampaignLease,
  ): Promise<boolean> {
    if (!lease) {
      await this.db(CAMPAIGN_EVENTS).insert(campaignEventRow(id, event));
      return true;
    }
    return this.fenced(id, lease, 'share', async tx => {
      await tx(CAMPAIGN_EVENTS).insert(campaignEventRow(id, event));
      return true;
    });
  }

  // The parameters are the interface's: id, from, to, change, event, lease.
  async transition(
    ...[id, from, to, change, event, lease]: Parameters<
      CampaignStore['transition']
    >
  ): Promise<boolean> {
    const final = !isActiveCampaignState(to);
    return this.db.transaction(async tx => {
      const update: Record<string, unknown> = {
        ...changeColumns(change),
        state: to,
        updated_at: nowIso(),
      };
      if (final) {
        update.lease_owner = null;
        update.lease_expires_at = null;
      }
      const query = tx(CAMPAIGNS).where({ id }).whereIn('state', from);
      if (lease) this.leases.whereHeld(query, lease);
      const moved = await query.update(update);
      if (moved !== 1) return false;
      if (final) {
        await tx(CAMPAIGN_CLUSTERS)
          .where({ campaign_id: id })
          .whereNotNull('active_cluster')
          .update({ active_cluster: null });
      }
      await tx(CAMPAIGN_EVENTS).insert(campaignEventRow(id, event));
      return true;
    });
  }

  async update(
    id: string,
    change: CampaignChange,
    lease: CampaignLease,
  ): Promise<boolean> {
    const query = this.db(CAMPAIGNS).where({ id });
    this.leases.whereHeld(query, lease);
    const updated = await query.update({
      ...changeColumns(change),
      updated_at: nowIso(),
    });
    return updated === 1;
  }

  async requestPause(id: string): Promise<boolean> {
    const updated = await this.db(CAMPAIGNS)
      .where({ id })
      .whereIn('state', ['approved', 'running'])
      .update({ pause_requested: true, updated_at: nowIso() });
    return updated === 1;
  }

  async requestSkip(id: string, cluster: string): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx(CAMPAIGNS)
        .where({ id })
        .whereIn('state', ACTIVE_CAMPAIGN_STATES)
        .forUpdate()
        .first('skip_requested');
      if (!row) return false;
      const released = await tx(CAMPAIGN_CLUSTERS)
        .where({ campaign_id: id, cluster, active_cluster: cluster })
        .update({ active_cluster: null });
      if (released !== 1) return false;
      const skips: string[] = JSON.parse(row.skip_requested);
      await tx(CAMPAIGNS)
        .where({ id })
        .update({
          skip_requested: JSON.stringify(distinctClusters([...skips, cluster])),
          updated_at: nowIso(),
        });
      return true;
    });
  }

  async clearSkips(
    id: string,
    clusters: string[],
    lease: CampaignLease,
  ): Promise<boolean> {
    return this.fenced(id, lease, 'update', async (tx, row) => {
      const skips: string[] = JSON.parse(row.skip_requested);
      await tx(CAMPAIGNS)
        .where({ id })
        .update({
          skip_requested: JSON.stringify(
            skips.filter(cluster => !clusters.includes(cluster)),
          ),
          updated_at: nowIso(),
        });
      return true;
    });
  }

  acquireLease(
    id: string,
    owner: string,
    ttlMs: number,
    now = Date.now(),
  ): Promise<CampaignLease | undefined> {
    return this.leases.acquire(id, owner, ttlMs, now);
  }

  renewLease(
    id: string,
    lease: CampaignLease,
    ttlMs: number,
    now = Date.now(),
  ): Promise<boolean> {
    return this.leases.renew(id, lease, ttlMs, now);
  }

  releaseLease(id: string, lease: CampaignLease): Promise<void> {
    return this.leases.release(id, lease);
  }

  findRunnable(limit: number, now = Date.now()): Promise<string[]> {
    return this.leases.findRunnable(limit, now);
  }

  async schedules(campaignId: string): Promise<NamespaceSchedule[]> {
    const rows = await this.db(CAMPAIGN_NAMESPACES)
      .where({ campaign_id: campaignId })
      .orderBy('cluster', 'asc')
      .orderBy('namespace', 'asc');
    return rows.map(toSchedule);
  }

  async schedulesFor(
    namespaces: Array<{ cluster: string; namespace: string }>,
  ): Promise<NamespaceSchedule[]> {
    const wanted = [
      ...new Map(
        namespaces.map(n => [`${n.cluster}/${n.namespace}`, n]),
      ).values(),
    ];
    const schedules: NamespaceSchedule[] = [];
    for (let i = 0; i < wanted.length; i += SCHEDULE_CHUNK) {
      const chunk = wanted.slice(i, i + SCHEDULE_CHUNK);
      const rows = await this.db(CAMPAIGN_NAMESPACES)
        .join(
          CAMPAIGNS,
          `${CAMPAIGNS}.id`,
          `${CAMPAIGN_NAMESPACES}.campaign_id`,
        )
        .whereIn(`${CAMPAIGNS}.state`, ACTIVE_CAMPAIGN_STATES)
        .where(q => {
          for (const { cluster, namespace } of chunk) {
            q.orWhere(pair =>
              pair
                .where(`${CAMPAIGN_NAMESPACES}.cluster`, cluster)
                .where(`${CAMPAIGN_NAMESPACES}.namespace`, namespace),
            );
          }
        })
        .orderBy(`${CAMPAIGN_NAMESPACES}.cluster`, 'asc')
        .orderBy(`${CAMPAIGN_NAMESPACES}.namespace`, 'asc')
        .orderBy(`${CAMPAIGN_NAMESPACES}.campaign_id`, 'asc')
        .select(`${CAMPAIGN_NAMESPACES}.*`);
      schedules.push(...rows.map(toSchedule));
    }
    return schedules;
  }

  async markNotified(
    campaignId: string,
    cluster: string,
    namespace: string,
    at: string,
  ): Promise<boolean> {
    return this.setOnce({ campaignId, cluster, namespace }, 'notified_at', {
      notified_at: at,
    });
  }

  async markNotifiedMany(
    campaignId: string,
    namespaces: Array<{ cluster: string; namespace: string }>,
    at: string,
  ): Promise<Array<{ cluster: string; namespace: string }>> {
    const key = (n: { cluster: string; namespace: string }) =>
      `${n.cluster}/${n.namespace}`;
    const wanted = [...new Map(namespaces.map(n => [key(n), n])).values()];
    const marked: Array<{ cluster: string; namespace: string }> = [];
    for (let i = 0; i < wanted.length; i += SCHEDULE_CHUNK) {
      const chunk = wanted.slice(i, i + SCHEDULE_CHUNK);
      const rows = await this.db(CAMPAIGN_NAMESPACES)
        .where({ campaign_id: campaignId })
        .whereIn('cluster', [...new Set(chunk.map(n => n.cluster))])
        .whereIn('namespace', [...new Set(chunk.map(n => n.namespace))])
        .select('cluster', 'namespace', 'notified_at');
      const existing = new Map(rows.map(r => [key(r), r]));
      const fresh = chunk.filter(n => !existing.has(key(n)));
      const unset = chunk.filter(n => {
        const row = existing.get(key(n));
        return (
          row && (row.notified_at === null || row.notified_at === undefined)
        );
      });
      let inserted = false;
      if (fresh.length > 0) {
        try {
          await this.db.batchInsert(
            CAMPAIGN_NAMESPACES,
            fresh.map(n => ({
              campaign_id: campaignId,
              cluster: n.cluster,
              namespace: n.namespace,
              notified_at: at,
            })),
            200,
          );
          inserted = true;
          marked.push(...fresh);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
      // Rows someone else created meanwhile (a deferral), and rows without a notice yet: one at a time.
      for (const n of [...(inserted ? [] : fresh), ...unset]) {
        if (await this.markNotified(campaignId, n.cluster, n.namespace, at)) {
          marked.push(n);
        }
      }
    }
    return marked;
  }

  async defer(
    campaignId: string,
    cluster: string,
    namespace: string,
    until: string,
    by: string,
  ): Promise<boolean> {
    return this.setOnce({ campaignId, cluster, namespace }, 'deferred_until', {
      deferred_until: until,
      deferred_by: by,
    });
  }

  async optIn(
    campaignId: string,
    cluster: string,
    namespace: string,
    by: string,
    at: string,
  ): Promise<boolean> {
    return this.setOnce({ campaignId, cluster, namespace }, 'opted_in_at', {
      opted_in_by: by,
      opted_in_at: at,
    });
  }

  /** The clusters of these campaigns, each campaign's in its planned order. */
  private async clustersOf(ids: string[]): Promise<Map<string, string[]>> {
    const byCampaign = new Map<string, string[]>();
    if (ids.length === 0) return byCampaign;
    const rows = await this.db(CAMPAIGN_CLUSTERS)
      .whereIn('campaign_id', ids)
      .orderBy('campaign_id', 'asc')
      .orderBy('position', 'asc')
      .select('campaign_id', 'cluster');
    for (const row of rows) {
      const list = byCampaign.get(row.campaign_id) ?? [];
      list.push(row.cluster);
      byCampaign.set(row.campaign_id, list);
    }
    return byCampaign;
  }

  /** Narrows a query on the campaigns table to the campaign while the lease holds it. */
  /**
   * Runs `write` in a transaction only while the lease holds the campaign. The campaign's row is
   * locked (for share, or for update when `write` rewrites what it read), so a replica taking the
   * lease over waits for the write to commit, and a write after the takeover is refused. Returns
   * whether it wrote.
   */
  private async fenced(
    id: string,
    lease: CampaignLease,
    lock: 'share' | 'update',
    write: (tx: Knex.Transaction, row: any) => Promise<boolean>,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const query = this.leases.whereHeld(tx(CAMPAIGNS).where({ id }), lease);
      if (lock === 'update') query.forUpdate();
      else query.forShare();
      const row = await query.first();
      if (!row) return false;
      return write(tx, row);
    });
  }

  /**
   * Sets columns of a namespace's schedule once: only while `unset` is still NULL, creating the row
   * when there is none. Without a transaction, so that on PostgreSQL the insert that loses a race
   * (a unique violation) does not abort the conditional update that follows it.
   */
  private async setOnce(
    key: { campaignId: string; cluster: string; namespace: string },
    unset: string,
    values: Record<string, string>,
  ): Promise<boolean> {
    const where = {
      campaign_id: key.campaignId,
      cluster: key.cluster,
      namespace: key.namespace,
    };
    const claim = async () =>
      (await this.db(CAMPAIGN_NAMESPACES)
        .where(where)
        .whereNull(unset)
        .update(values)) === 1;
    if (await claim()) return true;
    if (!(await this.db(CAMPAIGNS).where({ id: key.campaignId }).first('id'))) {
      throw new NotFoundError(`campaign ${key.campaignId} not found`);
    }
    try {
      await this.db(CAMPAIGN_NAMESPACES).insert({ ...where, ...values });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    return claim();
  }
}
