"""Check items counted in the database, per owner, region and ISO week.

A KPI's check items (one per lead, quote, order… with ``passed``) are never
loaded one by one: an :class:`ItemQuery` is SQL that yields one row per item
(``owner_id``, ``region``, ``at``, ``passed`` as 0/1, and ``mature`` as 0/1
when items must be old enough to count), and :func:`item_counts` wraps it in
one ``GROUP BY`` on owner, region and local day.  What comes back is small —
owners × regions × days — whatever the number of rows, and every KPI scope
(overall, week, region, rep…) is a sum over it.

An item source written in pandas (a frame of items) is counted the same way,
in memory, so plugin sources keep working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .data import KpiData
from .frames import day_key_sql, iso_week, keys_to_weeks

COUNT_KEYS = ["owner_id", "region", "week"]
COUNT_COLUMNS = [*COUNT_KEYS, "items", "passed", "mature", "passed_mature"]


@dataclass(frozen=True)
class ItemQuery:
    """SQL with one row per check item: ``owner_id, region, at, passed`` (0/1) and, with ``mature``, a
    0/1 ``mature`` column; ``:as_of`` and ``params`` are bound."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)
    mature: bool = False


@dataclass(frozen=True)
class ItemCounts:
    """Counts already made (``owner_id, region, week, items, passed``), e.g. several item kinds taken in
    one scan of a big table (:func:`salesnb.kpi.compliance.lead_counts`)."""

    frame: pd.DataFrame


def item_counts(data: KpiData, source: ItemQuery | ItemCounts | pd.DataFrame) -> pd.DataFrame:
    """Items, passed items, mature items and passed mature items per owner, region and week.

    Without maturity every item is mature.  Rows of owners outside the data's scope are left out.
    """
    if isinstance(source, ItemQuery):
        return _sql_counts(data, source)
    if isinstance(source, ItemCounts):
        return _totals(source.frame, False)
    return frame_counts(source)


def grouped_by_day(data: KpiData, select: str, source: str, at: str, **params) -> pd.DataFrame:
    """``SELECT owner_id, region, <day of at>, {select} FROM {source} GROUP BY`` those, in the person's scope,
    with the ISO ``week`` of each row (``source`` has ``owner_id`` and ``region`` columns)."""
    key = day_key_sql(data.conn.dialect.name, at, data.as_of.to_pydatetime())
    sql = (f"SELECT owner_id, region, {key} AS day_key, {select} FROM {source} "
           f"GROUP BY owner_id, region, {key}")
    frame = data.query(sql, scoped=True, **params)
    frame["week"] = keys_to_weeks(frame["day_key"])
    return frame


def _sql_counts(data: KpiData, query: ItemQuery) -> pd.DataFrame:
    extra = ", SUM(i.mature) AS mature, SUM(i.passed * i.mature) AS passed_mature" if query.mature else ""
    frame = grouped_by_day(data, f"COUNT(*) AS items, SUM(i.passed) AS passed{extra}", f"({query.sql}) i", "i.at",
                           **query.params)
    return _totals(frame, query.mature)


def frame_counts(items: pd.DataFrame) -> pd.DataFrame:
    """The counts of a frame of items (``owner_id, region, at, passed`` [, ``mature``])."""
    mature = "mature" in items
    passed = items["passed"].astype(bool)
    frame = pd.DataFrame({"owner_id": items["owner_id"], "region": items["region"], "week": iso_week(items["at"]),
                          "items": 1, "passed": passed.astype(int)})
    if mature:
        ripe = items["mature"].astype(bool)
        frame["mature"] = ripe.astype(int)
        frame["passed_mature"] = (passed & ripe).astype(int)
    return _totals(frame, mature)


def _totals(frame: pd.DataFrame, mature: bool) -> pd.DataFrame:
    if not mature:
        frame = frame.assign(mature=frame["items"], passed_mature=frame["passed"])
    counts = frame[COUNT_COLUMNS].copy()
    for col in COUNT_COLUMNS[len(COUNT_KEYS):]:
        counts[col] = pd.to_numeric(counts[col]).fillna(0).astype("int64")
    for col in COUNT_KEYS:
        counts[col] = counts[col].astype(object).where(counts[col].notna(), None)
    counts = counts[counts["items"] > 0]
    if counts.empty:
        return counts
    return counts.groupby(COUNT_KEYS, dropna=False, sort=True, as_index=False).sum()
