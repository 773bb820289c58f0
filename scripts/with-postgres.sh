#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL cluster: a temp dir, a free port on loopback,
# no system service. The cluster is stopped and removed when the command ends. Durability is
# off (a throw-away cluster); shared_buffers is set as a production server's would be
# (docs/deployment.md), so that benchmarks read what a province's server would.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "PostgreSQL server binaries not found (run scripts/system-deps.sh)" >&2; exit 1; }
dir=$(mktemp -d /tmp/hoiso-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C.UTF-8 -U postgres >/dev/null
# Durability is switched off: this cluster lives for one run.
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
  "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 -c shared_buffers=1GB" \
  start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres hoiso
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/hoiso"
"$@"
