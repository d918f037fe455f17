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

Analysts add sources with :func:`register_compliance_item`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd

from . import data as q
from .data import KpiData

ItemSource = Callable[[KpiData], pd.DataFrame]
ITEM_COLUMNS = ["owner_id", "region", "at", "passed"]

REQUIRED_SCORECARD_FIELDS = ("budget_provided", "delivery_date_specified", "purchase_freq_per_month")
RESPONSE_HOURS = 4
ORDER_GRACE_HOURS = 48
TRACKING_GRACE_HOURS = 24

COMPLIANCE_ITEMS: dict[str, ItemSource] = {}


def register_compliance_item(name: str) -> Callable[[ItemSource], ItemSource]:
    """Decorator: add an item source (``KpiData -> frame of owner_id, region, at, passed``)."""

    def decorate(fn: ItemSource) -> ItemSource:
        COMPLIANCE_ITEMS[name] = fn
        return fn

    return decorate


def compliance_items(data: KpiData, only: tuple[str, ...] | None = None) -> pd.DataFrame:
    """All check items of every registered source, with a ``kind`` column naming the source."""
    frames = []
    for name, source in COMPLIANCE_ITEMS.items():
        if only is not None and name not in only:
            continue
        frame = source(data)[ITEM_COLUMNS].copy()
        frame["kind"] = name
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*ITEM_COLUMNS, "kind"])
    items = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)
    items["passed"] = items["passed"].astype(bool)
    return items


def required_scorecard_fields(data: KpiData) -> tuple[str, ...]:
    """Lead columns behind the required fields of the active default scorecard (else the defaults)."""
    from ..scorecards import DEFAULT_NAME

    rows = data.query("SELECT definition FROM scorecards WHERE name = :name AND active = :yes",
                      name=DEFAULT_NAME, yes=True)
    if rows.empty:
        return REQUIRED_SCORECARD_FIELDS
    definition = rows["definition"].iloc[0]
    definition = json.loads(definition) if isinstance(definition, str) else definition
    columns = tuple(f.get("column") for f in definition.get("fields", [])
                    if isinstance(f, dict) and f.get("required") and f.get("column") in data.leads.columns)
    return columns or REQUIRED_SCORECARD_FIELDS


@register_compliance_item("scorecard_field")
def _scorecard_fields(data: KpiData) -> pd.DataFrame:
    leads = data.leads
    parts = [
        pd.DataFrame({
            "owner_id": leads["owner_id"], "region": leads["region"], "at": leads["created_at"],
            "passed": leads[field].notna().to_numpy(dtype=bool),
        })
        for field in required_scorecard_fields(data)
    ]
    return pd.concat(parts, ignore_index=True)


@register_compliance_item("first_response")
def _first_response(data: KpiData) -> pd.DataFrame:
    leads = data.leads
    old = leads[leads["created_at"] <= data.as_of - pd.Timedelta(hours=RESPONSE_HOURS)]
    passed = old["first_response_at"].notna() & (old["first_response_at"] <= data.as_of)
    return pd.DataFrame({"owner_id": old["owner_id"], "region": old["region"], "at": old["created_at"],
                         "passed": passed.to_numpy(dtype=bool)})


@register_compliance_item("contract_check")
def _contract_check(data: KpiData) -> pd.DataFrame:
    return data.query(q.CONTRACT_CHECK_SQL, ("at",), scoped=True)


@register_compliance_item("order_entry")
def _order_entry(data: KpiData) -> pd.DataFrame:
    return data.query(q.ORDER_ENTRY_SQL, ("at",), scoped=True, cutoff=data.cutoff(ORDER_GRACE_HOURS))


@register_compliance_item("tracking_entry")
def _tracking_entry(data: KpiData) -> pd.DataFrame:
    return data.query(q.TRACKING_ENTRY_SQL, ("at",), scoped=True, cutoff=data.cutoff(TRACKING_GRACE_HOURS))
