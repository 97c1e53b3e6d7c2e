#!/usr/bin/env bash
# Make sure PostgreSQL answers at DATABASE_URL, accepts its user without a password prompt, and
# that its database exists. A fresh machine is the normal case:
#   1. a server that already answers and lets us in is used as it is;
#   2. otherwise the project-local cluster in var/postgres (initdb with trust auth on 127.0.0.1) is
#      created if missing and started on the URL's port. Debian's own cluster (postgresql's
#      postinst creates 15/main with password auth) is never used when it refuses us: if it holds
#      our port, it is stopped first, and the message says so.
# The server binaries come from Debian's postgresql, which scripts/install_system_packages.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/replies_archive}"
eval "$(.venv/bin/python - "$DATABASE_URL" <<'PY'
import shlex, sys
from urllib.parse import urlparse, unquote
url = urlparse(sys.argv[1])
values = {"PGHOST": url.hostname or "127.0.0.1", "PGPORT": str(url.port or 5432),
          "PGUSER": unquote(url.username or "postgres"), "PGPASSWORD": unquote(url.password or ""),
          "PGDATABASE": url.path.lstrip("/") or "replies_archive"}
for key, value in values.items():
    print(f"export {key}={shlex.quote(value)}")
PY
)"
export PGCONNECT_TIMEOUT=5

say() { echo "ensure_postgres: $*"; }
answers() { pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 3 2>/dev/null; }
# -w: never prompt for a password (a prompt would hang an unattended run).
lets_us_in() { psql -w -d postgres -tAc "SELECT 1" >/dev/null 2>&1; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if ! command -v pg_isready >/dev/null 2>&1 || [ -z "$bindir" ]; then
  say "PostgreSQL is not installed. Install it with: apt-get install postgresql (make setup does so as root)."
  exit 1
fi

start_local_cluster() {
  local datadir="$PWD/var/postgres" runas=()
  if [ "$(id -u)" = 0 ]; then runas=(runuser -u postgres --); fi
  if [ ! -f "$datadir/PG_VERSION" ]; then
    say "creating a project-local cluster in $datadir (trust auth on $PGHOST)."
    rm -rf "$datadir"
    mkdir -p "$datadir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$datadir"; fi
    "${runas[@]}" "$bindir/initdb" -D "$datadir" -U "$PGUSER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if [ -f "$datadir/postmaster.pid" ] && ! "${runas[@]}" "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    rm -f "$datadir/postmaster.pid"  # left by a machine that stopped without shutting the server down
  fi
  say "starting the project-local cluster in $datadir on port $PGPORT."
  "${runas[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" \
    -o "-p $PGPORT -k /tmp -c listen_addresses=$PGHOST" -w -t 60 start >/dev/null
}

if answers && lets_us_in; then
  say "PostgreSQL answers at $PGHOST:$PGPORT."
else
  if answers; then
    # Something holds the port but refuses us: Debian's own cluster, started by its package.
    cluster=""
    if command -v pg_lsclusters >/dev/null 2>&1; then
      cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$PGPORT" '$3 == port && $4 ~ /online/ {print $1" "$2; exit}')
    fi
    if [ -z "$cluster" ]; then
      say "a server at $PGHOST:$PGPORT refuses user $PGUSER without a password; set DATABASE_URL to one that lets the archive in."
      exit 1
    fi
    say "Debian's cluster $cluster holds port $PGPORT and asks for a password; stopping it for the project-local cluster."
    pg_ctlcluster --skip-systemctl-redirect $cluster stop
  fi
  start_local_cluster
  for _ in $(seq 1 30); do answers && lets_us_in && break; sleep 1; done
  lets_us_in || { say "PostgreSQL did not come up at $PGHOST:$PGPORT (see var/postgres/server.log)."; exit 1; }
fi

if psql -w -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'" | grep -q 1; then
  say "database $PGDATABASE exists."
else
  createdb -w "$PGDATABASE"
  say "created database $PGDATABASE."
fi
