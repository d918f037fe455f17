#!/usr/bin/env bash
# Run the whole test suite, on SQLite and PostgreSQL, with browser tests in headless Chromium.
# Installs what it needs: the virtualenv and test packages, Chromium (apt), a PostgreSQL server.
# Extra arguments go to pytest (e.g. scripts/test.sh -k import).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/lib.sh
. scripts/bootstrap.sh "test,bench"
apt_install chromium fonts-noto-cjk
export SALESNB_TEST_PG_URL="$(scripts/postgres.sh)"
export SALESNB_CHROMIUM="${SALESNB_CHROMIUM:-/usr/bin/chromium}"
exec "$ROOT/.venv/bin/python" -m pytest -n "${SALESNB_TEST_WORKERS:-2}" --dist loadgroup "$@"
