#!/usr/bin/env bash
# Create .venv if needed and install salesnb with the given extras (default: none).
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again (it only installs what changed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
EXTRAS="${1:-}"
VENV="${SALESNB_VENV:-$ROOT/.venv}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "salesnb needs Python >= 3.11 (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    # Debian/Ubuntu ship venv separately.
    apt_install "python3-venv" || true
    "$PYTHON" -m venv "$VENV"
  fi
fi
STAMP="$VENV/.salesnb-installed"
WANT="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)-$EXTRAS"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  SPEC="$ROOT"
  [ -n "$EXTRAS" ] && SPEC="$ROOT[$EXTRAS]"
  echo "installing salesnb${EXTRAS:+[$EXTRAS]} into $VENV (log: $VENV/install.log)" >&2
  if ! { "$VENV/bin/python" -m pip install --upgrade pip && "$VENV/bin/python" -m pip install -e "$SPEC"; } >"$VENV/install.log" 2>&1; then
    tail -30 "$VENV/install.log" >&2
    echo "pip install failed; full log in $VENV/install.log" >&2
    exit 1
  fi
  echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
