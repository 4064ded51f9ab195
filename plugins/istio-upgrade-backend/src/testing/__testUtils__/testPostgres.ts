import { TestDatabaseId } from '@backstage/backend-test-utils';

const POSTGRES_IDS: TestDatabaseId[] = [
  'POSTGRES_18',
  'POSTGRES_17',
  'POSTGRES_16',
  'POSTGRES_15',
  'POSTGRES_14',
  'POSTGRES_13',
];

/**
 * The PostgreSQL that `TestDatabases` is told about through
 * `BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING` (scripts/test.sh sets it when
 * 127.0.0.1:5432 answers), or undefined. Tests never start one in Docker.
 */
export function configuredPostgres(): TestDatabaseId | undefined {
  return POSTGRES_IDS.find(
    id =>
      process.env[
        `BACKSTAGE_TEST_DATABASE_${id.replace('_', '')}_CONNECTION_STRING`
      ],
  );
}
