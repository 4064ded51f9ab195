# shellcheck shell=bash
# Sourced by test.sh and start.sh. `ensure_prometheus` installs Debian's `prometheus` package when the
# machine lacks it and prints the binary's path; Debian's service is never used (systemd may not run
# here, and every caller starts its own process). `start_prometheus` starts one such process scraping
# the mesh simulator's per-cluster metrics and prints its PID on stdout; everything else goes to stderr.

if ! declare -F as_root >/dev/null; then
  as_root() {
    if [ "$(id -u)" = 0 ]; then
      "$@"
    else
      sudo "$@"
    fi
  }
fi

ensure_prometheus() {
  if ! command -v prometheus >/dev/null 2>&1; then
    echo "prometheus: installing Debian's prometheus (its service is not started)" >&2
    as_root apt-get update -qq >&2 || return 1
    # policy-rc.d answers 101 so that the package's scripts start no service while it installs.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [ ! -e "$policy" ]; then
      as_root sh -c "printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy" || return 1
      added_policy=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
    local status=$?
    [ "$added_policy" = 1 ] && as_root rm -f "$policy"
    [ "$status" = 0 ] || return 1
  fi
  command -v prometheus
}

prometheus_ready() {
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/-/ready" 2>/dev/null
}

# start_prometheus <state-dir> <port> <simulator-url> <simulator-state-dir> <cluster>...
# One scrape job per cluster (every second) on the simulator's /sim/v1/clusters/<cluster>/metrics over
# HTTPS with the simulator's CA and admin token; every series of the job gets the label cluster="<cluster>".
# Listens on 127.0.0.1:<port> only; data, config, token file and log live in <state-dir>.
start_prometheus() {
  if [ "$#" -lt 5 ]; then
    echo "usage: start_prometheus <state-dir> <port> <simulator-url> <simulator-state-dir> <cluster>..." >&2
    return 2
  fi
  local state="$1" port="$2" sim_url="$3" sim_state="$4"
  shift 4
  local binary
  binary=$(command -v prometheus) || {
    echo "prometheus: not installed; run ensure_prometheus (scripts/prometheus.sh)" >&2
    return 1
  }
  case "$sim_url" in
    https://*) ;;
    *)
      echo "prometheus: the simulator URL must be https:// (got $sim_url)" >&2
      return 1
      ;;
  esac
  local rest="${sim_url#https://}"
  local address="${rest%%/*}" prefix=""
  [ "$rest" != "$address" ] && prefix="/${rest#*/}" && prefix="${prefix%/}"
  local ca="$sim_state/ca.crt" sim_json="$sim_state/mesh-sim.json"
  [ -r "$ca" ] || { echo "prometheus: no simulator CA at $ca" >&2; return 1; }
  [ -r "$sim_json" ] || { echo "prometheus: no $sim_json" >&2; return 1; }

  mkdir -p "$state/data"
  state="$(cd "$state" && pwd)"
  ca="$(cd "$(dirname "$ca")" && pwd)/ca.crt"
  # The admin token goes to a file only Prometheus' user reads; the config names the file, never the token.
  (
    umask 077
    node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).adminToken)' \
      "$sim_json" >"$state/simulator-token"
  ) || { echo "prometheus: no adminToken in $sim_json" >&2; return 1; }

  local config="$state/prometheus.yml" cluster
  {
    echo "# Written by scripts/prometheus.sh: the mesh simulator's clusters, scraped every second."
    echo "global:"
    echo "  scrape_interval: 1s"
    echo "  scrape_timeout: 1s"
    echo "  evaluation_interval: 1s"
    echo "scrape_configs:"
    for cluster in "$@"; do
      # Cluster names are DNS labels in the simulator; anything else would not be safe in YAML or a path.
      if ! [[ "$cluster" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]]; then
        echo "prometheus: '$cluster' is not a cluster name (a DNS label)" >&2
        return 1
      fi
      echo "  - job_name: 'mesh-sim-$cluster'"
      echo "    scheme: https"
      echo "    metrics_path: '$prefix/sim/v1/clusters/$cluster/metrics'"
      echo "    tls_config:"
      echo "      ca_file: '$ca'"
      echo "    authorization:"
      echo "      credentials_file: '$state/simulator-token'"
      echo "    static_configs:"
      echo "      - targets: ['$address']"
      echo "        labels:"
      echo "          cluster: '$cluster'"
    done
  } >"$config" || return 1

  if prometheus_ready "$port"; then
    echo "prometheus: something already answers on 127.0.0.1:$port" >&2
    return 1
  fi
  "$binary" --config.file="$config" --storage.tsdb.path="$state/data" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=2d \
    </dev/null >"$state/prometheus.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do
    prometheus_ready "$port" && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "prometheus: exited before it was ready; log $state/prometheus.log:" >&2
      tail -n 20 "$state/prometheus.log" >&2
      return 1
    fi
    sleep 0.25
  done
  if ! prometheus_ready "$port"; then
    echo "prometheus: not ready on 127.0.0.1:$port after 30 s; log: $state/prometheus.log" >&2
    kill "$pid" 2>/dev/null
    return 1
  fi
  echo "prometheus: ready on http://127.0.0.1:$port, scraping $* (log: $state/prometheus.log)" >&2
  echo "$pid"
}
