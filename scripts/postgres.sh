# shellcheck shell=bash
# Sourced by test.sh and start.sh: `ensure_postgres` makes Debian's PostgreSQL answer on
# 127.0.0.1:5432 for the user `postgres` without a password (trust on loopback only), installing the
# `postgresql` package when the machine lacks it and starting its cluster when it is down. It prints the
# server's major version on stdout; everything else goes to stderr.

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}

postgres_answers() {
  psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    echo "postgres: installing Debian's postgresql" >&2
    as_root apt-get update -qq >&2 || return 1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || return 1
  fi
  local version cluster
  read -r version cluster < <(pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 { print $1, $2; exit }')
  if [ -z "${version:-}" ]; then
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
    cluster=main
    echo "postgres: creating cluster $version/$cluster on port 5432" >&2
    as_root pg_createcluster --port 5432 "$version" "$cluster" >&2 || return 1
  fi
  local hba="/etc/postgresql/$version/$cluster/pg_hba.conf"
  local line='host all postgres 127.0.0.1/32 trust # istio-upgrade tests: loopback only'
  local changed=0
  if ! as_root grep -qF "$line" "$hba"; then
    echo "postgres: trusting user postgres on 127.0.0.1 ($hba)" >&2
    as_root sed -i "1i $line" "$hba" || return 1
    changed=1
  fi
  if pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { print $4 }' | grep -q online; then
    [ "$changed" = 1 ] && { as_root pg_ctlcluster "$version" "$cluster" reload >&2 || return 1; }
  else
    echo "postgres: starting cluster $version/$cluster" >&2
    as_root pg_ctlcluster "$version" "$cluster" start >&2 || return 1
  fi
  for _ in $(seq 1 60); do
    postgres_answers && break
    sleep 0.5
  done
  if ! postgres_answers; then
    echo "postgres: 127.0.0.1:5432 does not answer for user postgres; log: /var/log/postgresql/postgresql-$version-$cluster.log" >&2
    return 1
  fi
  psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'show server_version_num' | cut -c1-2
}
