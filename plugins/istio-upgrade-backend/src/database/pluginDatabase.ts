import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * The plugin's database client, its tables brought up to date unless told not to. The plugin has one
 * set of migrations (requests and campaigns alike, `migrations/`), so whichever store is created first
 * runs them and the next finds nothing to do.
 */
export async function pluginDatabase(options: {
  database: DatabaseService;
  skipMigrations?: boolean;
}): Promise<Knex> {
  const db = await options.database.getClient();
  if (!options.skipMigrations && !options.database.migrations?.skip) {
    await db.migrate.latest({
      directory: resolvePackagePath(
        '@istio-upgrade/backstage-plugin-istio-upgrade-backend',
        'migrations',
      ),
      tableName: 'istio_upgrade_knex_migrations',
    });
  }
  return db;
}
