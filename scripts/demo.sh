#!/usr/bin/env bash
# The main job: install, build a demo database on the embedded SQLite default
# (./salesnb.db), run the daily checks, print a summary, then serve the Voila apps.
# Installs what it needs: the virtualenv, and the CJK font the PDF documents embed (apt).
# Extra arguments go to `salesnb demo` (e.g. scripts/demo.sh --orders 5000 --no-serve).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/lib.sh
. scripts/bootstrap.sh ""
apt_install fonts-noto-cjk  # the Chinese font the PDF documents (交付保障书, 交付能力白皮书) embed
exec "$ROOT/.venv/bin/salesnb" demo "$@"
