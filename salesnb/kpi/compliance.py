"""Check items of the sales action compliance rate (销售动作合规率).

The rate is "mandatory fields filled + key workflow nodes triggered, over all
check items".  Each *item source* below yields one row per check item —
``owner_id``, ``region``, ``at`` (the time that puts the item in an ISO week),
``passed`` — and the rate is passed items / all items.  The built-in sources:

``scorecard_field``
    every lead created by ``as_of``, once per required field of the active
    意向评分卡 that is stored on the lead (default: budget provided, delivery
    date specified, purchase frequency): passed when the field is filled.
``first_response``
    every lead at least 4 h old at ``as_of``: passed when a first response is
    recorded by ``as_of`` (however late — timeliness is the 4-hour KPI).
``contract_check``
    every contract submitted for approval by ``as_of``: passed when the
    delivery-feasibility check ran on it (a ``contract_submissions`` row).
``order_entry``
    every quote accepted at least 48 h before ``as_of``: passed when an ERP
    order references it.
``tracking_entry``
    every order shipped at least 24 h before ``as_of``: passed when a
    shipment of it carries a tracking number.

Analysts add sources with :func:`register_compliance_item`.  A source returns
an :class:`~salesnb.kpi.counts.ItemQuery` (SQL, counted in the database), an
:class:`~salesnb.kpi.counts.ItemCounts` (counts already made: the lead-based
built-ins share one scan of the leads) or a frame of items (counted in memory).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
from sqlalchemy import literal_column

from ..rules.sqlfuncs import epoch_us
from ..scorecards.definition import DEFAULT_NAME
from . import data as q
from .counts import COUNT_COLUMNS, ItemCounts, ItemQuery, grouped_by_day, item_counts
from .data import KpiData

ItemSource = Callable[[KpiData], "ItemQuery | ItemCounts | pd.DataFrame"]
ITEM_COLUMNS = ["owner_id", "region", "at", "passed"]

REQUIRED_SCORECARD_FIELDS = ("budget_provided", "delivery_date_specified", "purchase_freq_per_month")
RESPONSE_HOURS = 4
ORDER_GRACE_HOURS = 48
TRACKING_GRACE_HOURS = 24

COMPLIANCE_ITEMS: dict[str, ItemSource] = {}


def register_compliance_item(name: str) -> Callable[[ItemSource], ItemSource]:
    """Decorator: add an item source (``KpiData -> ItemQuery | ItemCounts``, or a frame of owner_id, region,
    at, passed)."""

    def decorate(fn: ItemSource) -> ItemSource:
        COMPLIANCE_ITEMS[name] = fn
        return fn

    return decorate


def compliance_counts(data: KpiData, only: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Item counts (:func:`~salesnb.kpi.counts.item_counts`) of every registered source, with a ``kind``
    column naming the source."""
    frames = []
    for name, source in COMPLIANCE_ITEMS.items():
        if only is not None and name not in only:
            continue
        made = source(data)
        if isinstance(made, pd.DataFrame):
            made = made[ITEM_COLUMNS]
        frames.append(item_counts(data, made).assign(kind=name))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=[*COUNT_COLUMNS, "kind"])
    return pd.concat(frames, ignore_index=True)


def required_scorecard_fields(data: KpiData) -> tuple[str, ...]:
    """Lead columns behind the required fields of the active default scorecard (else the defaults)."""
    rows = data.query("SELECT definition FROM scorecards WHERE name = :name AND active = :yes",
                      name=DEFAULT_NAME, yes=True)
    if rows.empty:
        return REQUIRED_SCORECARD_FIELDS
    definition = rows["definition"].iloc[0]
    definition = json.loads(definition) if isinstance(definition, str) else definition
    columns = tuple(f.get("column") for f in definition.get("fields", [])
                    if isinstance(f, dict) and f.get("required") and f.get("column") in q.LEAD_COLUMNS)
    return columns or REQUIRED_SCORECARD_FIELDS


def lead_counts(data: KpiData) -> pd.DataFrame:
    """Every lead-based item counted in one scan of ``leads`` per owner, region and day: ``leads``,
    ``filled_N`` (the N-th required scorecard field filled), ``old`` (at least 4 h old), ``recorded``
    (of those, a first response recorded by ``as_of``) and ``in_time`` (answered within 4 h)."""
    if "leads" not in data.memo:
        fields = required_scorecard_fields(data)
        micros = {name: str(epoch_us(literal_column(f"x.{name}")).compile(dialect=data.conn.dialect))
                  for name in ("first_response_at", "created_at")}
        old = "x.created_at <= :cutoff"
        answered = f"{old} AND x.first_response_at IS NOT NULL"
        sums = ", ".join([
            "COUNT(*) AS leads",
            *(f"SUM(CASE WHEN x.field_{n} IS NOT NULL THEN 1 ELSE 0 END) AS filled_{n}" for n in range(len(fields))),
            f"SUM(CASE WHEN {old} THEN 1 ELSE 0 END) AS old",
            f"SUM(CASE WHEN {answered} AND x.first_response_at <= :as_of THEN 1 ELSE 0 END) AS recorded",
            f"SUM(CASE WHEN {answered} AND {micros['first_response_at']} - {micros['created_at']} <= :limit_us "
            f"THEN 1 ELSE 0 END) AS in_time",
        ])
        source = q.LEADS_FOR_ITEMS_SQL.format(fields="".join(f", {q.LEAD_COLUMNS[col]} AS field_{n}"
                                                             for n, col in enumerate(fields)))
        frame = grouped_by_day(data, sums, f"({source}) x", "x.created_at", cutoff=data.cutoff(RESPONSE_HOURS),
                               limit_us=RESPONSE_HOURS * 3_600_000_000)
        for col in frame.columns:
            if col not in ("owner_id", "region", "day_key", "week"):
                frame[col] = pd.to_numeric(frame[col]).fillna(0).astype("int64")
        frame.attrs["fields"] = len(fields)
        data.memo["leads"] = frame
    return data.memo["leads"]


def lead_items(data: KpiData, items: str, passed: str) -> ItemCounts:
    """Counts of one lead-based item kind out of :func:`lead_counts`."""
    frame = lead_counts(data)
    return ItemCounts(frame[["owner_id", "region", "week"]].assign(items=frame[items], passed=frame[passed]))


@register_compliance_item("scorecard_field")
def _scorecard_fields(data: KpiData) -> ItemCounts:
    frame = lead_counts(data)
    fields = frame.attrs["fields"]
    filled = sum((frame[f"filled_{n}"] for n in range(fields)), start=pd.Series(0, index=frame.index))
    return ItemCounts(frame[["owner_id", "region", "week"]].assign(items=frame["leads"] * fields, passed=filled))


@register_compliance_item("first_response")
def _first_response(data: KpiData) -> ItemCounts:
    return lead_items(data, "old", "recorded")


@register_compliance_item("contract_check")
def _contract_check(data: KpiData) -> ItemQuery:
    return ItemQuery(q.CONTRACT_CHECK_SQL)


@register_compliance_item("order_entry")
def _order_entry(data: KpiData) -> ItemQuery:
    return ItemQuery(q.ORDER_ENTRY_SQL, {"cutoff": data.cutoff(ORDER_GRACE_HOURS)})


@register_compliance_item("tracking_entry")
def _tracking_entry(data: KpiData) -> ItemQuery:
    return ItemQuery(q.TRACKING_ENTRY_SQL, {"cutoff": data.cutoff(TRACKING_GRACE_HOURS)})
