#!/usr/bin/env bash
# Make a PostgreSQL server reachable for the tests and print its admin URL.
# Uses 127.0.0.1:5432 (user postgres, trust auth) when it answers; otherwise starts the
# Debian cluster; otherwise installs PostgreSQL with apt and runs a private trust-auth
# cluster under .pgdata on port 54329.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib.sh"

can_connect() {
  "$ROOT/.venv/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
}

URL="${SALESNB_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
if can_connect "$URL"; then echo "$URL"; exit 0; fi

if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql/*/main >/dev/null 2>&1; then
  VER="$(ls /etc/postgresql | sort -V | tail -1)"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$VER" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do can_connect "$URL" && { echo "$URL"; exit 0; }; sleep 0.5; done
fi

apt_install postgresql >&2
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
DATA="$ROOT/.pgdata"
PRIVATE="postgresql://postgres@127.0.0.1:54329/postgres"
RUNAS=()
if [ "$(id -u)" = "0" ]; then RUNAS=(su postgres -s /bin/sh -c); fi
run() { if [ ${#RUNAS[@]} -gt 0 ]; then "${RUNAS[@]}" "$*"; else sh -c "$*"; fi; }
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"; [ ${#RUNAS[@]} -gt 0 ] && chown postgres "$DATA"
  run "$BIN/initdb -D '$DATA' -U postgres -A trust -E UTF8 >/dev/null"
fi
run "$BIN/pg_ctl -D '$DATA' -o '-p 54329 -k /tmp -c listen_addresses=127.0.0.1' -l '$DATA/log' -w start >/dev/null" || true
for _ in $(seq 1 20); do can_connect "$PRIVATE" && { echo "$PRIVATE"; exit 0; }; sleep 0.5; done
echo "could not start PostgreSQL (see $DATA/log)" >&2
exit 1
