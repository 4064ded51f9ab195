#!/usr/bin/env bash
# `yarn bench:fleet-page [--no-build]`: builds the app for production (unless --no-build), then runs
# packages/app/e2e-tests/fleetScale.bench.ts in Debian's Chromium against a portal of 200 simulated
# clusters (bench/fleetPagePortal.mjs, ports 6543 and 7107). Prints navigation start to the fleet
# table's rows painted and writes it to plugins/istio-upgrade/bench/results/fleet-page-200.json (or to
# FLEET_BENCH_RESULTS), with "met" or "missed" against 1 s (FLEET_BENCH_BUDGET_MS); it fails on the figure
# only with FLEET_BENCH_ENFORCE=1. A benchmark, not part of scripts/test.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/toolchain.sh"
cd "$REPO_ROOT"
if [ "${1:-}" != --no-build ]; then
  yarn workspace app build >/dev/null
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || echo /usr/bin/chromium)}"
yarn playwright test -c playwright.fleet-page.config.ts
