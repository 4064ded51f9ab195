import { Knex } from 'knex';
import { eventually } from './inventoryTestBackend';
import { sharedPostgresConfig } from './requestTestKit';
import { BackendProcess } from './startBackendProcess';

/**
 * The config of backend replicas sharing the test's PostgreSQL database, with short leases so that a
 * frozen replica loses its request within seconds.
 */
export function sharedReplicaConfig(
  knex: Knex,
  istioUpgrade: Record<string, any>,
): Record<string, any> {
  return {
    backend: { database: sharedPostgresConfig(knex).config },
    permission: { enabled: true },
    istioUpgrade: {
      ...istioUpgrade,
      requests: {
        leaseTtl: { seconds: 3 },
        sweepInterval: { seconds: 1 },
        pollIntervalMs: 100,
        defaults: { waveSize: 3, pauseBetweenWavesSeconds: 0 },
      },
    },
  };
}

/** The replica holding request `id`'s lease now (by the pid in the lease owner), and the other. */
export async function leaseHolder(
  knex: Knex,
  id: string,
  replicas: BackendProcess[],
): Promise<{ holder: BackendProcess; other: BackendProcess }> {
  const { lease_owner: owner } = await knex('istio_upgrade_requests')
    .where({ id })
    .first('lease_owner');
  const holder = replicas.find(r => owner?.includes(`:${r.pid}:`))!;
  return { holder, other: replicas.find(r => r !== holder)! };
}

/**
 * Freezes (SIGSTOP) a replica at a moment none of the test database's connections is inside a
 * transaction: a frozen open transaction would hold its row lock, and the takeover would rightly wait
 * for it.
 */
export async function freezeOutsideTransaction(
  knex: Knex,
  replica: BackendProcess,
): Promise<void> {
  const inTransaction = async () => {
    const rows = await knex('pg_stat_activity')
      .where('datname', knex.client.config.connection.database)
      .where('state', 'like', 'idle in transaction%')
      .count({ count: '*' });
    return Number(rows[0].count) > 0;
  };
  await eventually(async () => {
    process.kill(replica.pid, 'SIGSTOP');
    if (!(await inTransaction())) return true;
    process.kill(replica.pid, 'SIGCONT');
    await new Promise(r => setTimeout(r, 20));
    return false;
  }, 10_000);
}
