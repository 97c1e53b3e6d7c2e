#!/usr/bin/env bash
# Make sure PostgreSQL answers at DATABASE_URL and that its database exists.
# Order: a server already answering; else the machine's own cluster (pg_ctlcluster);
# else a project-local cluster under var/postgres; else say exactly what to install.
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

answers() { pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 3 2>/dev/null; }

say() { echo "ensure_postgres: $*"; }

if ! command -v pg_isready >/dev/null 2>&1; then
  say "PostgreSQL client tools are missing. Install them with: apt-get install postgresql"
  exit 1
fi

if answers; then
  say "PostgreSQL answers at $PGHOST:$PGPORT."
else
  started=""
  if command -v pg_lsclusters >/dev/null 2>&1; then
    cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$PGPORT" '$3 == port {print $1" "$2; exit}')
    if [ -n "$cluster" ]; then
      say "no server at $PGHOST:$PGPORT; starting the machine's cluster $cluster."
      pg_ctlcluster --skip-systemctl-redirect $cluster start && started=yes
    fi
  fi
  if [ -z "$started" ]; then
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$bindir" ]; then
      say "no PostgreSQL server is installed. Install it with: apt-get install postgresql"
      exit 1
    fi
    datadir="$PWD/var/postgres"
    runas=()
    if [ "$(id -u)" = 0 ]; then runas=(runuser -u postgres --); fi
    if [ ! -f "$datadir/PG_VERSION" ]; then
      say "creating a project-local cluster in $datadir (trust auth on 127.0.0.1)."
      mkdir -p "$datadir"
      [ "$(id -u)" = 0 ] && chown postgres "$datadir"
      "${runas[@]}" "$bindir/initdb" -D "$datadir" -U "$PGUSER" --auth=trust --encoding=UTF8 >/dev/null
    fi
    say "starting the project-local cluster in $datadir on port $PGPORT."
    "${runas[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" \
      -o "-p $PGPORT -k /tmp -c listen_addresses=$PGHOST" -w start >/dev/null
  fi
  for _ in $(seq 1 30); do answers && break; sleep 1; done
  answers || { say "PostgreSQL did not come up at $PGHOST:$PGPORT."; exit 1; }
fi

if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'" | grep -q 1; then
  say "database $PGDATABASE exists."
else
  createdb "$PGDATABASE"
  say "created database $PGDATABASE."
fi
