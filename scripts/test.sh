#!/usr/bin/env bash
# Every test of the repository, as CI runs it (.ci/run calls this script):
# generated code, type check, lint, formatting, one Backstage release, Jest (every package, with
# database tests on SQLite and on PostgreSQL, which it installs and starts on 127.0.0.1:5432 when
# needed), the real-cluster tier (real Kubernetes and Istio built from source, scripts/real-cluster.sh),
# and the end-to-end tests in Debian's Chromium against the demo portal.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
source "$(dirname "${BASH_SOURCE[0]}")/prometheus.sh"
cd "$REPO_ROOT"

started=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(($(date +%s) - started))"; }

step "Install dependencies"
ensure_dependencies

step "Generated OpenAPI code matches the spec"
node plugins/istio-upgrade-backend/scripts/generate-openapi.mjs --check

step "One Backstage release for every @backstage/* dependency"
node scripts/check-backstage-versions.mjs

step "Type check"
yarn tsc

step "API and SQL reports match the code (report.api.md, report.sql.md)"
# ae-wrong-input-file-type: API Extractor meets the workspace's TypeScript sources of the common
# package, which it does not analyse; every other warning fails the check.
yarn backstage-repo-tools api-reports --ci --sql-reports -o ae-undocumented,ae-wrong-input-file-type \
  plugins/istio-upgrade-common plugins/istio-upgrade-backend plugins/istio-upgrade \
  plugins/scaffolder-backend-module-istio-upgrade plugins/catalog-backend-module-istio-upgrade

step "Lint"
yarn backstage-cli repo lint

step "Formatting"
yarn prettier --check .

step "PostgreSQL on 127.0.0.1:5432 (installed and started when missing)"
pg_major=$(ensure_postgres) || { echo "PostgreSQL could not be started: the database tests need it" >&2; exit 1; }
export "BACKSTAGE_TEST_DATABASE_POSTGRES${pg_major}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:5432"
# Every database suite runs on SQLite and on this PostgreSQL; one that would skip PostgreSQL fails.
export ISTIO_UPGRADE_REQUIRE_POSTGRES=1
echo "PostgreSQL $pg_major answers on 127.0.0.1:5432: database tests run on SQLite and PostgreSQL."

step "Prometheus (Debian's package, installed when missing; the health-gate tests start their own)"
prometheus_bin=$(ensure_prometheus) || { echo "Prometheus could not be installed: the health-gate tests need it" >&2; exit 1; }
"$prometheus_bin" --version 2>&1 | sed -n 1p

step "Jest"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
jest_results="$REPO_ROOT/.cache/jest-results.json"
mkdir -p "$(dirname "$jest_results")"
CI=true yarn backstage-cli repo test --watchAll=false --json --outputFile="$jest_results"

step "Every database suite ran on both engines"
node scripts/check-database-engines.mjs "$jest_results"

step "Real-cluster tier: Kubernetes $(sed -n 's/^const kubernetesVersion = "\(.*\)"/\1/p' tools/real-cluster/components.go) and two Istio revisions, built from source"
trap 'scripts/real-cluster.sh down' EXIT
scripts/real-cluster.sh up
CI=true yarn workspace @istio-upgrade/backstage-plugin-istio-upgrade-backend test:real-cluster
scripts/real-cluster.sh down
trap - EXIT

step "End-to-end tests (Playwright in Debian's Chromium)"
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
export CHROMIUM_PATH
CHROMIUM_PATH=$(command -v chromium)
CI=true yarn playwright test


step "All tests passed"
