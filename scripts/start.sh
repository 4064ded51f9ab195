#!/usr/bin/env bash
# Starts the demo portal: the mesh simulator serving the `seed` and `demo` clusters, registered in the
# catalog, behind the Backstage app on http://localhost:3000 (backend on :7007), and a Prometheus on
# http://127.0.0.1:9090 scraping the simulator's clusters for the campaigns' health gates (Debian's
# package, installed when missing; stopped with the simulator).
#
#   MESH_SIM_PORT       simulator port (6443)
#   MESH_SIM_SPEED      simulated clock speed factor (1)
#   START_EXTRA_CONFIG  more config files, space separated (e.g. app-config.postgres.yaml)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
source "$(dirname "${BASH_SOURCE[0]}")/prometheus.sh"
ensure_dependencies
cd "$REPO_ROOT"

# The PostgreSQL configuration needs the local server: installed and started when missing.
case " ${START_EXTRA_CONFIG:-} " in
  *postgres*) ensure_postgres >/dev/null || { echo "start: PostgreSQL could not be started" >&2; exit 1; } ;;
esac

STATE="$REPO_ROOT/.mesh-sim"
mkdir -p "$STATE"
rm -f "$STATE/sim.out"

node packages/mesh-simulator/bin/mesh-sim serve \
  --scenario seed --scenario demo \
  --host 127.0.0.1 --port "${MESH_SIM_PORT:-6443}" \
  --state-dir "$STATE" --speed "${MESH_SIM_SPEED:-1}" \
  >"$STATE/sim.out" 2>"$STATE/sim.log" &
SIM_PID=$!
PROMETHEUS_PID=
trap 'kill "$SIM_PID" $PROMETHEUS_PID 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 240); do
  grep -q '^mesh-sim ready' "$STATE/sim.out" 2>/dev/null && break
  if ! kill -0 "$SIM_PID" 2>/dev/null; then
    echo "start: the mesh simulator exited:" >&2
    cat "$STATE/sim.log" >&2
    exit 1
  fi
  sleep 0.5
done
grep -q '^mesh-sim ready' "$STATE/sim.out" || { echo "start: the mesh simulator did not become ready" >&2; exit 1; }
echo "start: $(cat "$STATE/sim.out") (kubeconfig: $STATE/kubeconfig)" >&2

node scripts/demo-clusters.mjs "$STATE"

# app-config.demo.yaml points the campaigns' health gates at this Prometheus.
ensure_prometheus >/dev/null || { echo "start: Prometheus could not be installed" >&2; exit 1; }
# The simulator's URL, then its clusters, one a line.
mapfile -t sim < <(node -e '
  const sim = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log([sim.url, ...sim.clusters.map(c => c.name)].join("\n"));' "$STATE/mesh-sim.json")
PROMETHEUS_PID=$(start_prometheus "$STATE/prometheus" 9090 "${sim[0]}" "$STATE" "${sim[@]:1}") ||
  { echo "start: Prometheus could not be started on 127.0.0.1:9090" >&2; exit 1; }

extra=()
for file in ${START_EXTRA_CONFIG:-}; do
  extra+=(--config "$(cd "$(dirname "$file")" && pwd)/$(basename "$file")")
done
yarn start --config "$REPO_ROOT/app-config.yaml" --config "$REPO_ROOT/app-config.demo.yaml" \
  --config "$STATE/app-config.clusters.yaml" "${extra[@]}"
