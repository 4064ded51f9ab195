import { Knex } from 'knex';

/** The holder of a row's lease; its token fences every write made under it. */
export interface RowLease {
  owner: string;
  token: number;
}

/**
 * Leases with fencing tokens on the rows of one table (requests, campaigns): columns `lease_owner`,
 * `lease_expires_at` (epoch ms) and `fencing_token`. A row in one of `runnableStates` whose lease is
 * free or expired can be taken; each taking increments the token, so a former holder's writes, which
 * check owner, token and expiry ({@link LeasedRows.whereHeld}), are refused.
 */
export class LeasedRows {
  constructor(
    private readonly db: Knex,
    private readonly table: string,
    private readonly runnableStates: readonly string[],
  ) {}

  private free(query: Knex.QueryBuilder, now: number) {
    return query
      .whereIn('state', this.runnableStates)
      .where(q =>
        q.whereNull('lease_owner').orWhere('lease_expires_at', '<', now),
      );
  }

  /** Narrows `query` to the row while `lease` still holds it. */
  whereHeld(query: Knex.QueryBuilder, lease: RowLease, now = Date.now()) {
    return query
      .where({ lease_owner: lease.owner, fencing_token: lease.token })
      .where('lease_expires_at', '>=', now);
  }

  async acquire(
    id: string,
    owner: string,
    ttlMs: number,
    now = Date.now(),
  ): Promise<RowLease | undefined> {
    const updated = await this.free(
      this.db(this.table).where({ id }),
      now,
    ).update({
      lease_owner: owner,
      lease_expires_at: now + ttlMs,
      fencing_token: this.db.raw('fencing_token + 1'),
    });
    if (updated !== 1) return undefined;
    const row = await this.db(this.table)
      .where({ id })
      .first('lease_owner', 'fencing_token');
    if (!row || row.lease_owner !== owner) return undefined;
    return { owner, token: Number(row.fencing_token) };
  }

  async renew(
    id: string,
    lease: RowLease,
    ttlMs: number,
    now = Date.now(),
  ): Promise<boolean> {
    const updated = await this.whereHeld(
      this.db(this.table).where({ id }),
      lease,
      now,
    ).update({ lease_expires_at: now + ttlMs });
    return updated === 1;
  }

  async release(id: string, lease: RowLease): Promise<void> {
    await this.db(this.table)
      .where({ id, lease_owner: lease.owner, fencing_token: lease.token })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  /** Runnable rows whose lease is free or expired, oldest first. */
  async findRunnable(limit: number, now = Date.now()): Promise<string[]> {
    const rows = await this.free(this.db(this.table), now)
      .orderBy('requested_at', 'asc')
      .orderBy('id', 'asc')
      .limit(limit)
      .select('id');
    return rows.map((row: { id: string }) => row.id);
  }
}
