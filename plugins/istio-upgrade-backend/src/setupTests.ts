import { configuredPostgres } from './testing/__testUtils__/testPostgres';

// The test command (scripts/test.sh) starts PostgreSQL and asks for it: no database suite may then
// quietly run on SQLite alone.
if (process.env.ISTIO_UPGRADE_REQUIRE_POSTGRES && !configuredPostgres()) {
  throw new Error(
    'ISTIO_UPGRADE_REQUIRE_POSTGRES is set but no BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING is',
  );
}
