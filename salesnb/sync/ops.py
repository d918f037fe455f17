"""For the people who run the connectors: every configured stream with its state, and "run now".

The Connectors page calls these; the permission is decided here, not in the
page: running a sync is importing data (``data.import``: ops and finance).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from ..auth.people import Actor
from ..auth.permissions import authorize
from ..config import Settings
from ..db import session_scope
from .driver import SyncReport, run_sync
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


def sync_now(engine: Engine, actor: Actor | str, names: Sequence[str] = (), *, settings: Settings,
             full: bool = False) -> SyncReport:
    """Run the sync of ``names`` (default all) now, as ``actor`` (who must be allowed ``data.import``)."""
    with session_scope(engine) as session:
        person = authorize(session, actor, "data.import")
    return run_sync(engine, names, settings=settings, full=full, actor=person.user_id)
