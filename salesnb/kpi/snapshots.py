"""KPI snapshots: the counts a daily run took, kept so the dashboard opens at once at any scale.

Counting a company's KPIs reads every lead, quote, order and finding (seconds
at 100,000 orders, tens of seconds at a million).  The daily run counts them
once (:func:`~salesnb.kpi.kpis.count_kpis`, at the finest grain: owner,
region, week) and stores the counts here; the dashboard takes the newest
snapshot that is recent enough, cuts it to the person's scope
(:meth:`~salesnb.kpi.kpis.KpiCounts.scoped`) and works out the rates in
memory.  Its refresh button counts live.  The newest
:data:`KEEP` snapshots are kept.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import URL, Engine, delete, select

from ..db import session_scope
from ..models import KpiSnapshot
from ..timeutil import now as clock_now
from .kpis import KpiCounts, KpiOptions
from .repair import RepairCounts

KEEP = 14
FORMAT = 1


def save_kpi_snapshot(engine: Engine, counts: KpiCounts) -> int:
    """Store ``counts`` (counted for everybody: no scope) and drop all but the newest :data:`KEEP`; its id."""
    with session_scope(engine) as session:
        row = KpiSnapshot(as_of=counts.as_of, taken_at=clock_now(), payload=_payload(counts))
        session.add(row)
        session.flush()
        keep = select(KpiSnapshot.id).order_by(KpiSnapshot.as_of.desc(), KpiSnapshot.id.desc()).limit(KEEP)
        session.execute(delete(KpiSnapshot).where(KpiSnapshot.id.not_in(keep.scalar_subquery())))
        return row.id


def latest_kpi_snapshot(engine: Engine, now: datetime, max_age: timedelta) -> tuple[KpiCounts, datetime] | None:
    """The newest snapshot as of ``now`` or before and at most ``max_age`` old, with the time it was taken.

    The counts last loaded in this process are kept (a snapshot is never changed once saved): a dashboard
    kernel loads them while it waits for its page, and the page's build finds them loaded (0.9 s of a
    1 M-order snapshot's JSON and frames). Each call returns frames of its own.
    """
    with session_scope(engine) as session:
        row = session.execute(select(KpiSnapshot.id, KpiSnapshot.as_of, KpiSnapshot.taken_at)
                              .where(KpiSnapshot.as_of <= now, KpiSnapshot.as_of >= now - max_age)
                              .order_by(KpiSnapshot.as_of.desc(), KpiSnapshot.id.desc()).limit(1)).first()
        if row is None:
            return None
        # the time it was taken too: SQLite may give a dropped snapshot's id to the next one
        key = (engine.url, row.id, row.taken_at)
        counts = _loaded.get(key)
        if counts is None:
            payload = session.scalar(select(KpiSnapshot.payload).where(KpiSnapshot.id == row.id))
            if payload is None or payload.get("format") != FORMAT:  # None: dropped since the first query
                return None
            counts = _counts(payload, row.as_of)
            _loaded.clear()  # one snapshot held, not every one seen
            _loaded[key] = counts
        return _own_copy(counts), row.taken_at


def _own_copy(counts: KpiCounts) -> KpiCounts:
    """``counts`` with frames and names of the caller's own: what the caller changes, the kept snapshot does
    not see (copy-on-write frames: no data is copied until one is written)."""
    repair = counts.repair
    return replace(counts, items={name: frame.copy(deep=False) for name, frame in counts.items.items()},
                   repair=None if repair is None else replace(repair, frame=repair.frame.copy(deep=False)),
                   rep_names=dict(counts.rep_names))


_loaded: dict[tuple[URL, int, datetime], KpiCounts] = {}


def _frame_out(frame: pd.DataFrame) -> dict[str, Any]:
    clean = frame.astype(object).where(frame.notna(), None)
    return {"columns": list(frame.columns), "rows": [[_plain(v) for v in row] for row in clean.values.tolist()]}


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _frame_in(data: dict[str, Any], shared: dict[str, str]) -> pd.DataFrame:
    # JSON gives every occurrence of an owner id, region or week its own string; ``shared`` keeps one object
    # per distinct value across the snapshot's frames (a 1 M-order snapshot held 28 MiB of repeated strings
    # in the dashboard's kernel)
    # built a column at a time: counts straight into int64 arrays, no second list of every row
    columns = data["columns"]
    values = zip(*data["rows"]) if data["rows"] else ((),) * len(columns)
    built = {}
    for col, cells in zip(columns, values):
        if col in ("items", "passed", "mature", "passed_mature", "findings") or col.startswith("repaired_"):
            built[col] = np.fromiter(cells, dtype="int64", count=len(cells))
        else:
            one_each = (shared.setdefault(v, v) if isinstance(v, str) else v for v in cells)
            # object, not pandas' str dtype: that would copy every string again
            built[col] = pd.Series(np.fromiter(one_each, dtype=object, count=len(cells)), dtype=object)
    return pd.DataFrame(built, columns=columns)


def _payload(counts: KpiCounts) -> dict[str, Any]:
    repair = counts.repair
    return {
        "format": FORMAT,
        "kpis": list(counts.kpis),
        "items": {name: _frame_out(frame) for name, frame in counts.items.items()},
        "repair": None if repair is None else {
            "taken_at": None if repair.taken_at is None else repair.taken_at.isoformat(),
            "weeks": list(repair.weeks), "frame": _frame_out(repair.frame)},
        "rep_names": dict(counts.rep_names),
        "options": {"repair_grace_days": counts.options.repair_grace / timedelta(days=1),
                    "a_lead_maturity_days": counts.options.a_lead_maturity / timedelta(days=1)},
    }


def _counts(payload: dict[str, Any], as_of: datetime) -> KpiCounts:
    stamp = pd.Timestamp(as_of).tz_convert("UTC")
    repair = payload["repair"]
    options = payload["options"]
    shared: dict[str, str] = {}
    return KpiCounts(
        as_of=as_of, kpis=tuple(payload["kpis"]),
        items={name: _frame_in(frame, shared) for name, frame in payload["items"].items()},
        repair=None if repair is None else RepairCounts(
            as_of=stamp, taken_at=None if repair["taken_at"] is None else pd.Timestamp(repair["taken_at"]),
            weeks=list(repair["weeks"]), frame=_frame_in(repair["frame"], shared)),
        rep_names=dict(payload["rep_names"]),
        options=KpiOptions(repair_grace=timedelta(days=options["repair_grace_days"]),
                           a_lead_maturity=timedelta(days=options["a_lead_maturity_days"])),
    )
