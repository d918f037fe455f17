"""For the people who run the connectors: every configured stream with its state.

"Run now" is :func:`salesnb.sync.driver.sync_now`: listing the streams does
not load the driver (and pandas, through the import pipeline).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from ..config import Settings
from .sources import configured, make_sources
from .state import states


def overview(engine: Engine, settings: Settings) -> list[dict[str, Any]]:
    """One row per configured stream (and per stream with a state whose source is gone): its state or "never"."""
    known = {(s["source"], s["stream"]): s for s in states(engine)}
    rows = []
    try:
        sources = make_sources(settings) if configured(settings) else []
    except Exception as exc:  # noqa: BLE001 - a broken [sync] section is shown, not fatal to the page
        sources, broken = [], str(exc)
    else:
        broken = None
    for source in sources:
        for stream in source.streams():
            state = known.pop((source.name, stream.name), None) or {
                "source": source.name, "stream": stream.name, "table_name": stream.table, "status": "never",
                "last_run_at": None, "last_success_at": None, "rows": 0, "inserted": 0, "updated": 0,
                "unchanged": 0, "vanished": 0, "last_error": None, "cursor": None}
            rows.append({**state, "type": source.type, "configured": True})
    for state in known.values():
        rows.append({**state, "type": "", "configured": False})
    if broken:
        rows.append({"source": "salesnb.toml", "stream": "", "table_name": "", "status": "error", "type": "",
                     "last_run_at": None, "rows": 0, "inserted": 0, "updated": 0, "unchanged": 0, "vanished": 0,
                     "last_error": broken, "configured": False})
    return rows
