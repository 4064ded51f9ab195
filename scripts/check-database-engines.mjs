// Reads Jest's JSON results and fails when a database suite did not run on both engines: every test
// file with a test titled for SQLite (`SQLITE_3`) must also have tests titled for PostgreSQL
// (`POSTGRES_<major>`), and every test file that names PostgreSQL must have run such a test rather than
// skipped it. A suite that quietly lost its PostgreSQL half would otherwise pass.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file] = process.argv.slice(2);
if (!file) {
  console.error(
    'usage: node scripts/check-database-engines.mjs <jest-results.json>',
  );
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
const problems = [];
let suites = 0;
for (const suite of results.testResults) {
  const source = readFileSync(suite.name, 'utf8');
  const tests = suite.assertionResults ?? [];
  const ran = state => tests.filter(t => t.status === state);
  const named = (list, pattern) => list.filter(t => pattern.test(t.fullName));
  const usesDatabases = /TestDatabases|configuredPostgres/.test(source);
  if (!usesDatabases) continue;
  suites += 1;
  const where = relative(process.cwd(), suite.name);
  const passedOrFailed = tests.filter(
    t => t.status !== 'pending' && t.status !== 'skipped',
  );
  const onSqlite = named(passedOrFailed, /SQLITE_3/);
  const onPostgres = named(passedOrFailed, /POSTGRES_\d+/);
  const skipped = [...ran('pending'), ...ran('skipped')];
  if (skipped.length > 0) {
    problems.push(
      `${where}: ${skipped.length} test(s) skipped (${skipped[0].fullName})`,
    );
  }
  if (onSqlite.length > 0 && onPostgres.length === 0) {
    problems.push(`${where}: ran on SQLite only`);
  }
  if (passedOrFailed.length === 0) {
    problems.push(`${where}: no test ran`);
  }
}
if (problems.length > 0) {
  console.error('Database suites that did not run on both engines:');
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `${suites} database suites ran, each on SQLite and PostgreSQL where it tests both.`,
);
