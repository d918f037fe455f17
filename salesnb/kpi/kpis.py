"""The three health KPIs and the A-lead conversion, overall, per ISO week, per region and per rep.

Definitions (all "as of" a time; rows created after ``as_of`` do not exist):

``breakpoint_repair_rate`` (流程断点修复率, threshold 85 %)
    Over a period, the share of breakpoints (check findings) open at some
    moment of the period — open at its start or first seen during it — that
    were resolved before its end (or before ``as_of`` for the running week).
    ``overall`` is every finding first seen by ``as_of``, and the share of
    them resolved by ``as_of``.  Region and rep are the finding's.
``sales_action_compliance_rate`` (销售动作合规率, threshold 95 %)
    Passed check items / all check items; the items are listed in
    :mod:`salesnb.kpi.compliance`.  Each item belongs to the week of its
    ``at`` time.
``first_response_4h_rate`` (客户响应黄金4小时达标率, threshold 90 %)
    Among leads created in the period and at least 4 h old at ``as_of``, the
    share whose ``first_response_at − created_at ≤ 4 h``.  Region is the
    lead's (else its owner's), rep the lead owner.
``a_lead_conversion_rate`` (A类线索转化率, red line 85 %)
    Among leads graded A created in the period, the share converted by
    ``as_of``.  The grade is ``leads.grade``; a lead never graded but with a
    complete scorecard is graded by the default rule of docs/design.md item 1.

Every KPI is reported at the scopes ``overall``, ``week``, ``region``,
``rep``, ``week_region`` and ``week_rep`` in one long frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from .compliance import RESPONSE_HOURS, compliance_items
from .data import KpiData
from .frames import iso_week, week_of, week_start

BREAKPOINT_REPAIR = "breakpoint_repair_rate"
COMPLIANCE = "sales_action_compliance_rate"
FIRST_RESPONSE = "first_response_4h_rate"
A_LEAD_CONVERSION = "a_lead_conversion_rate"

HEALTH_KPIS = (BREAKPOINT_REPAIR, COMPLIANCE, FIRST_RESPONSE)
ALL_KPIS = (*HEALTH_KPIS, A_LEAD_CONVERSION)

DEFAULT_THRESHOLDS: dict[str, float] = {
    BREAKPOINT_REPAIR: 0.85,
    COMPLIANCE: 0.95,
    FIRST_RESPONSE: 0.90,
    A_LEAD_CONVERSION: 0.85,
}

SCOPES: dict[str, list[str]] = {
    "overall": [],
    "week": ["week"],
    "region": ["region"],
    "rep": ["owner_id"],
    "week_region": ["week", "region"],
    "week_rep": ["week", "owner_id"],
}
RATE_COLUMNS = ["kpi", "scope", "week", "region", "owner_id", "numerator", "denominator",
                "rate", "threshold", "ok"]


@dataclass
class KpiReport:
    """KPI rates at every scope, plus the check items behind the item-based KPIs."""

    as_of: datetime
    rates: pd.DataFrame
    thresholds: dict[str, float]
    items: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    rep_names: dict[str, str] = field(default_factory=dict, repr=False)

    def at(self, scope: str, kpi: str | None = None) -> pd.DataFrame:
        """The rows of one scope (optionally one KPI), without the all-empty key columns."""
        rows = self.rates[self.rates["scope"] == scope]
        if kpi is not None:
            rows = rows[rows["kpi"] == kpi]
        keep = ["kpi", *SCOPES[scope], "numerator", "denominator", "rate", "threshold", "ok"]
        if "owner_id" in SCOPES[scope]:
            keep.insert(keep.index("owner_id") + 1, "rep_name")
        return rows.assign(rep_name=rows["owner_id"].map(self.rep_names))[keep].reset_index(drop=True)

    def overall(self) -> pd.DataFrame:
        return self.at("overall")

    def value(self, kpi: str, scope: str = "overall", **keys: Any) -> float | None:
        """One rate (``None`` when nothing was measured), e.g. ``value(FIRST_RESPONSE, "week", week="2026-W05")``."""
        rows = self.rates[(self.rates["kpi"] == kpi) & (self.rates["scope"] == scope)]
        for key, val in keys.items():
            rows = rows[rows[key] == val]
        if rows.empty or pd.isna(rows["rate"].iloc[0]):
            return None
        return float(rows["rate"].iloc[0])

    def weekly(self, kpi: str | None = None) -> pd.DataFrame:
        return self.at("week", kpi).sort_values(["kpi", "week"], ignore_index=True)

    def a_lead_conversion(self) -> pd.DataFrame:
        """A-lead conversion per region per week, with ``ok`` False below the 85 % red line."""
        return self.at("week_region", A_LEAD_CONVERSION).sort_values(["week", "region"], ignore_index=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Named tables for export (one sheet each)."""
        return {
            "overall": self.overall(),
            "weekly": self.weekly(),
            "by_region": self.at("region"),
            "by_rep": self.at("rep"),
            "weekly_by_region": self.at("week_region"),
            "a_lead_conversion": self.a_lead_conversion(),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: as_of, thresholds and every table as a list of records."""
        return {
            "as_of": self.as_of.isoformat(),
            "thresholds": dict(self.thresholds),
            **{name: records(frame) for name, frame in self.tables().items()},
        }


def is_red(ok: object) -> bool:
    """True when a rate was measured and misses its threshold (``ok`` is False, not missing)."""
    return ok is not None and not pd.isna(ok) and not bool(ok)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with ``None`` for missing values (JSON-safe)."""
    clean = frame.astype(object).where(frame.notna(), None)
    out = []
    for row in clean.to_dict("records"):
        out.append({k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()})
    return out


def compute_kpis(
    engine: Engine,
    as_of: datetime,
    *,
    since: datetime | None = None,
    thresholds: dict[str, float] | None = None,
    kpis: tuple[str, ...] = ALL_KPIS,
) -> KpiReport:
    """Compute the KPIs as of ``as_of``.

    Parameters
    ----------
    engine : the database.
    as_of : aware datetime; nothing after it is counted.
    since : weekly rows start at the ISO week of ``since`` (default: the first week with data).
        ``overall`` always covers all data up to ``as_of``.
    thresholds : overrides of :data:`DEFAULT_THRESHOLDS`.
    kpis : which KPIs to compute.
    """
    limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    first_week = week_of(since) if since is not None else None
    with engine.connect() as conn:
        data = KpiData(conn, as_of)
        frames: list[pd.DataFrame] = []
        items: dict[str, pd.DataFrame] = {}
        for name in kpis:
            if name == BREAKPOINT_REPAIR:
                frames.append(repair_rates(data.findings, data.as_of))
                continue
            kpi_items = ITEM_SOURCES[name](data)
            kpi_items["week"] = iso_week(kpi_items["at"])
            items[name] = kpi_items
            frames.append(item_rates(kpi_items))
        names = data.rep_names()
    rates = pd.concat([f.assign(kpi=k) for f, k in zip(frames, kpis, strict=True)], ignore_index=True)
    if first_week is not None:
        rates = rates[rates["week"].isna() | (rates["week"] >= first_week)]
    rates["threshold"] = rates["kpi"].map(limits)
    rates["rate"] = (rates["numerator"] / rates["denominator"].where(rates["denominator"] > 0)).astype(float)
    rates["ok"] = (rates["rate"] >= rates["threshold"]).where(rates["rate"].notna())
    rates = rates.reindex(columns=RATE_COLUMNS).reset_index(drop=True)
    return KpiReport(as_of=as_of, rates=rates, thresholds=limits, items=items, rep_names=names)


def item_rates(items: pd.DataFrame) -> pd.DataFrame:
    """Numerator (passed) and denominator (all items) at every scope."""
    parts = []
    for scope, keys in SCOPES.items():
        if keys:
            grouped = items.groupby(keys, dropna=False, sort=True)["passed"].agg(["sum", "count"]).reset_index()
        else:
            grouped = pd.DataFrame({"sum": [int(items["passed"].sum())], "count": [len(items)]})
        parts.append(grouped.rename(columns={"sum": "numerator", "count": "denominator"}).assign(scope=scope))
    return pd.concat(parts, ignore_index=True)


def repair_rates(findings: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Breakpoint repair rate at every scope (see the module docstring for the definition)."""
    resolved = findings["resolved_at"].where(findings["resolved_at"] <= as_of)
    frame = pd.DataFrame({
        "region": findings["region"], "owner_id": findings["owner_id"],
        "open_week": iso_week(findings["first_seen"]), "fix_week": iso_week(resolved),
        "fixed": resolved.notna(),
    })
    weeks = week_range(frame["open_week"].min(), week_of(as_of)) if len(frame) else []
    parts = []
    for scope, keys in SCOPES.items():
        group_keys = [k for k in keys if k != "week"]
        if "week" not in keys:
            if group_keys:
                grouped = frame.groupby(group_keys, dropna=False)["fixed"].agg(["sum", "count"]).reset_index()
            else:
                grouped = pd.DataFrame({"sum": [int(frame["fixed"].sum())], "count": [len(frame)]})
            parts.append(grouped.rename(columns={"sum": "numerator", "count": "denominator"}).assign(scope=scope))
        else:
            parts.append(_weekly_repair(frame, group_keys, weeks).assign(scope=scope))
    return pd.concat(parts, ignore_index=True)


def _weekly_repair(frame: pd.DataFrame, keys: list[str], weeks: list[str]) -> pd.DataFrame:
    """Per week: open during the week = opened by its end − resolved before its start."""
    if not weeks:
        return pd.DataFrame(columns=["week", *keys, "numerator", "denominator"])
    key_cols = keys or ["_all"]
    frame = frame.assign(_all="") if not keys else frame

    def counts(week_col: str) -> pd.DataFrame:
        rows = frame[frame[week_col].notna()]
        table = rows.groupby([*key_cols, week_col], dropna=False).size().unstack(week_col, fill_value=0)
        return table.reindex(columns=weeks, fill_value=0)

    opened, fixed = counts("open_week"), counts("fix_week")
    fixed = fixed.reindex(index=opened.index, fill_value=0)
    opened_by_end = opened.cumsum(axis=1)
    fixed_before_start = fixed.cumsum(axis=1) - fixed
    den = (opened_by_end - fixed_before_start).stack().rename("denominator")
    num = fixed.stack().rename("numerator")
    out = pd.concat([num, den], axis=1).reset_index()
    out = out.rename(columns={out.columns[len(key_cols)]: "week"})
    out = out[out["denominator"] > 0]
    return out.drop(columns=["_all"]) if not keys else out


def week_range(first: str, last: str) -> list[str]:
    """Consecutive ISO week labels from ``first`` to ``last`` inclusive."""
    start, end = week_start(first), week_start(last)
    count = int(round((end - start) / timedelta(days=7))) + 1
    return [week_of(start + timedelta(days=7 * i)) for i in range(max(count, 0))]


def first_response_items(data: KpiData) -> pd.DataFrame:
    """One item per lead at least 4 h old: passed when answered within 4 h."""
    leads = data.leads
    limit = pd.Timedelta(hours=RESPONSE_HOURS)
    old = leads[leads["created_at"] <= data.as_of - limit]
    passed = old["first_response_at"].notna() & ((old["first_response_at"] - old["created_at"]) <= limit)
    return pd.DataFrame({"owner_id": old["owner_id"], "region": old["region"], "at": old["created_at"],
                         "passed": passed.to_numpy(dtype=bool)})


def lead_grades(leads: pd.DataFrame) -> pd.Series:
    """Stored grade, else the default rule of docs/design.md for complete scorecards (else missing)."""
    budget, dated = leads["budget_provided"], leads["delivery_date_specified"]
    freq = leads["purchase_freq_per_month"]
    complete = budget.notna() & dated.notna() & freq.notna()
    is_a = budget.fillna(False) & dated.fillna(False) & (freq.fillna(0) >= 2)
    is_b = budget.fillna(False) | dated.fillna(False) | (freq.fillna(0) >= 1)
    default = pd.Series(np.select([is_a.to_numpy(bool), is_b.to_numpy(bool)], ["A", "B"], "C"), index=leads.index)
    grade = leads["grade"].astype("string")
    return grade.where(grade.notna(), default.where(complete.to_numpy(bool)).astype("string"))


def a_lead_items(data: KpiData) -> pd.DataFrame:
    """One item per A lead: passed when converted by ``as_of``."""
    leads = data.leads
    a_leads = leads[(lead_grades(leads) == "A").fillna(False).to_numpy(bool)]
    converted = (a_leads["status"] == "converted") & (
        a_leads["converted_at"].isna() | (a_leads["converted_at"] <= data.as_of))
    return pd.DataFrame({"owner_id": a_leads["owner_id"], "region": a_leads["region"], "at": a_leads["created_at"],
                         "passed": converted.to_numpy(dtype=bool)})


ITEM_SOURCES: dict[str, Callable[[KpiData], pd.DataFrame]] = {
    COMPLIANCE: compliance_items,
    FIRST_RESPONSE: first_response_items,
    A_LEAD_CONVERSION: a_lead_items,
}
