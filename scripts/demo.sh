#!/usr/bin/env bash
# The main job: install, build a demo database on the embedded SQLite default
# (./salesnb.db), run the daily checks, print a summary, then serve the Voila apps.
# Extra arguments go to `salesnb demo` (e.g. scripts/demo.sh --orders 5000 --no-serve).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/lib.sh
. scripts/bootstrap.sh ""
exec "$ROOT/.venv/bin/salesnb" demo "$@"
