"""The three health KPIs and the A-lead conversion, overall, per ISO week, per region and per rep.

Definitions (all "as of" a time; rows created after ``as_of`` do not exist):

``breakpoint_repair_rate`` (流程断点修复率, threshold 85 %)
    (breakpoints at the baseline − those still open) / breakpoints at the
    baseline; per week the share repaired by the week's end; also per stage.
    Not yet measurable before a baseline exists and during its grace period
    (:mod:`salesnb.kpi.repair`).
``sales_action_compliance_rate`` (销售动作合规率, threshold 95 %)
    Passed check items / all check items; the items are listed in
    :mod:`salesnb.kpi.compliance`.  Each item belongs to the week of its
    ``at`` time.
``first_response_4h_rate`` (客户响应黄金4小时达标率, threshold 90 %)
    Among leads created in the period and at least 4 h old at ``as_of``, the
    share whose ``first_response_at − created_at ≤ 4 h``.  Region is the
    lead's (else its owner's), rep the lead owner.
``a_lead_conversion_rate`` (A类线索转化率, red line 85 %)
    Among leads graded A created in the period and at least the maturity
    window old (``[kpi] a_lead_maturity_days``, default 14: younger leads have
    had no time to convert), the share converted by ``as_of``.  A week or
    region whose A leads are all younger is *not yet measurable* (``pending``
    counts them).  The grade is ``leads.grade``; a lead never graded but with a
    complete scorecard is graded by the default rule of docs/design.md item 1.

Every KPI is reported at the scopes ``overall``, ``week``, ``region``,
``rep``, ``week_region`` and ``week_rep`` (the repair rate also ``stage``) in
one long frame.  ``measurable`` False means "not yet measurable": no rate,
shown grey, never red.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from ..auth.visibility import Scope
from ..config import Settings
from ..db import plan_beside, plan_for_counts
from ..i18n import t
from . import data as q
from .compliance import compliance_counts, lead_items
from .counts import ItemCounts, ItemQuery, item_counts
from .data import KpiData
from .frames import week_of
from .messages import days_text
from .repair import DEFAULT_GRACE_DAYS, RepairCounts, repair_counts, repair_rates

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

DEFAULT_MATURITY_DAYS = 14.0  # an A lead younger than this has had no time to convert

ITEM_SCOPES: dict[str, list[str]] = {
    "overall": [],
    "week": ["week"],
    "region": ["region"],
    "rep": ["owner_id"],
    "week_region": ["week", "region"],
    "week_rep": ["week", "owner_id"],
}
SCOPES: dict[str, list[str]] = {**ITEM_SCOPES, "stage": ["stage"]}  # by stage: the repair rate only
RATE_COLUMNS = ["kpi", "scope", "week", "region", "owner_id", "stage", "numerator", "denominator",
                "rate", "threshold", "ok", "measurable", "pending"]


@dataclass(frozen=True)
class KpiOptions:
    """``[kpi]`` in salesnb.toml: the repair rate's grace period and the A-lead maturity window."""

    repair_grace: timedelta = timedelta(days=DEFAULT_GRACE_DAYS)
    a_lead_maturity: timedelta = timedelta(days=DEFAULT_MATURITY_DAYS)

    @classmethod
    def from_settings(cls, settings: Settings | None) -> KpiOptions:
        section = settings.section("kpi") if settings is not None else {}
        return cls(repair_grace=timedelta(days=float(section.get("repair_grace_days", DEFAULT_GRACE_DAYS))),
                   a_lead_maturity=timedelta(days=float(section.get("a_lead_maturity_days",
                                                                    DEFAULT_MATURITY_DAYS))))


@dataclass
class KpiReport:
    """KPI rates at every scope, plus the check-item counts behind the item-based KPIs."""

    as_of: datetime
    rates: pd.DataFrame
    thresholds: dict[str, float]
    items: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # item counts per item-based KPI
    rep_names: dict[str, str] = field(default_factory=dict, repr=False)
    options: KpiOptions = field(default_factory=KpiOptions)

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

    def row(self, kpi: str, scope: str = "overall", **keys: Any) -> pd.Series | None:
        """The rate row of one KPI at one scope (None when there is none)."""
        rows = self.rates[(self.rates["kpi"] == kpi) & (self.rates["scope"] == scope)]
        for key, val in keys.items():
            rows = rows[rows[key] == val]
        return None if rows.empty else rows.iloc[0]

    def value(self, kpi: str, scope: str = "overall", **keys: Any) -> float | None:
        """One rate (``None`` when nothing was measured), e.g. ``value(FIRST_RESPONSE, "week", week="2026-W05")``."""
        row = self.row(kpi, scope, **keys)
        if row is None or pd.isna(row["rate"]):
            return None
        return float(row["rate"])

    def pending_reason(self, kpi: str, scope: str = "overall", language: str | None = None, **keys: Any) -> str:
        """Why the KPI is not yet measurable there (empty when it is)."""
        row = self.row(kpi, scope, **keys)
        if row is not None and bool(row["measurable"]):
            return ""
        if kpi == BREAKPOINT_REPAIR:
            if row is None or not row["denominator"]:
                return t("kpi.pending.no_baseline", language)
            return t("kpi.pending.grace", language, days=days_text(self.options.repair_grace))
        if kpi == A_LEAD_CONVERSION:
            pending = 0 if row is None or pd.isna(row["pending"]) else int(row["pending"])
            return t("kpi.pending.a_lead", language, days=days_text(self.options.a_lead_maturity), pending=pending)
        return ""

    def measurable(self, kpi: str, scope: str = "overall", **keys: Any) -> bool:
        """False when the KPI is *not yet measurable* there (no baseline yet, or only leads too young)."""
        row = self.row(kpi, scope, **keys)
        return row is not None and bool(row["measurable"])

    def weekly(self, kpi: str | None = None) -> pd.DataFrame:
        return self.at("week", kpi).sort_values(["kpi", "week"], ignore_index=True)

    def a_lead_conversion(self) -> pd.DataFrame:
        """A-lead conversion per region per week, with ``ok`` False below the 85 % red line (``measurable``
        False: every A lead of that week is younger than the maturity window; ``pending`` counts them)."""
        rows = self.rates[(self.rates["kpi"] == A_LEAD_CONVERSION) & (self.rates["scope"] == "week_region")]
        keep = ["kpi", "week", "region", "numerator", "denominator", "rate", "threshold", "ok", "measurable",
                "pending"]
        return rows[keep].sort_values(["week", "region"], ignore_index=True)

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


def state(rate: object, ok: object, measurable: object = True) -> str:
    """How a rate is shown: ``ok``, ``red``, ``pending`` (not yet measurable: grey) or ``none`` (no data)."""
    if measurable is not None and not pd.isna(measurable) and not bool(measurable):
        return "pending"
    if rate is None or pd.isna(rate):
        return "none"
    return "red" if is_red(ok) else "ok"


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with ``None`` for missing values (JSON-safe)."""
    clean = frame.astype(object).where(frame.notna(), None)
    out = []
    for row in clean.to_dict("records"):
        out.append({k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()})
    return out


@dataclass
class KpiCounts:
    """What the rates are made of, counted in the database at the finest grain (owner, region, week):
    item counts per item-based KPI and the repair rate's baseline counts.  Any person's rates are sums
    over the rows of the owners they see (:meth:`scoped`), so one count serves everybody."""

    as_of: datetime
    kpis: tuple[str, ...]
    items: dict[str, pd.DataFrame]
    repair: RepairCounts | None
    rep_names: dict[str, str]
    options: KpiOptions

    def scoped(self, scope: Scope | None) -> KpiCounts:
        """Only the rows of the owners ``scope`` sees (all of them for everything)."""
        if scope is None or scope.everything:
            return self
        owners = set(scope.owners)
        mine = lambda frame: frame[frame["owner_id"].isin(owners)].reset_index(drop=True)
        repair = None if self.repair is None else replace(self.repair, frame=mine(self.repair.frame))
        return replace(self, items={k: mine(v) for k, v in self.items.items()}, repair=repair)


def count_kpis(engine: Engine, as_of: datetime, *, kpis: tuple[str, ...] = ALL_KPIS,
               options: KpiOptions | None = None, scope: Scope | None = None, beside: bool = False) -> KpiCounts:
    """Count every KPI's items (and the baseline's findings) as of ``as_of`` in the database; ``beside``: while
    another step runs (:func:`salesnb.db.plan_beside`)."""
    options = options or KpiOptions()
    items: dict[str, pd.DataFrame] = {}
    repair = None
    with engine.connect() as conn:
        plan_for_counts(conn)
        if beside:
            plan_beside(conn)
        data = KpiData(conn, as_of, scope)
        for name in kpis:
            if name == BREAKPOINT_REPAIR:
                repair = repair_counts(data)
            elif name == COMPLIANCE:
                items[name] = compliance_counts(data)
            elif name == A_LEAD_CONVERSION:
                items[name] = item_counts(data, a_lead_items(data, options.a_lead_maturity))
            else:
                items[name] = item_counts(data, ITEM_SOURCES[name](data))
        names = data.rep_names()
    return KpiCounts(as_of=as_of, kpis=tuple(kpis), items=items, repair=repair, rep_names=names, options=options)


def compute_kpis(
    engine: Engine,
    as_of: datetime,
    *,
    since: datetime | None = None,
    thresholds: dict[str, float] | None = None,
    kpis: tuple[str, ...] = ALL_KPIS,
    settings: Settings | None = None,
    options: KpiOptions | None = None,
    scope: Scope | None = None,
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
    settings, options : ``[kpi]`` options (repair grace period, A-lead maturity), or them directly.
    scope : only the records of the owners a person sees (:func:`salesnb.auth.scope_of`); default everything.
    """
    options = options or KpiOptions.from_settings(settings)
    counts = count_kpis(engine, as_of, kpis=kpis, options=options, scope=scope)
    return report_from_counts(counts, since=since, thresholds=thresholds)


def report_from_counts(counts: KpiCounts, *, since: datetime | None = None,
                       thresholds: dict[str, float] | None = None) -> KpiReport:
    """The rates at every scope from :class:`KpiCounts` (``since`` and ``thresholds`` as in :func:`compute_kpis`)."""
    limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    first_week = week_of(since) if since is not None else None
    frames = []
    for name in counts.kpis:
        if name == BREAKPOINT_REPAIR:
            frames.append(repair_rates(counts.repair, counts.options.repair_grace))
        else:
            frames.append(item_rates(counts.items[name], maturing=name == A_LEAD_CONVERSION))
    rates = pd.concat([f.assign(kpi=k) for f, k in zip(frames, counts.kpis, strict=True)], ignore_index=True)
    if first_week is not None:
        rates = rates[rates["week"].isna() | (rates["week"] >= first_week)]
    rates = rates.reindex(columns=RATE_COLUMNS)
    rates["measurable"] = rates["measurable"].astype("boolean").fillna(True).astype(bool)
    rates["threshold"] = rates["kpi"].map(limits)
    rates["rate"] = (rates["numerator"] / rates["denominator"].where(rates["denominator"] > 0)
                     ).where(rates["measurable"]).astype(float)
    rates["ok"] = (rates["rate"] >= rates["threshold"]).where(rates["rate"].notna())
    return KpiReport(as_of=counts.as_of, rates=rates.reset_index(drop=True), thresholds=limits,
                     items=dict(counts.items), rep_names=counts.rep_names, options=counts.options)


def item_rates(counts: pd.DataFrame, *, maturing: bool = False) -> pd.DataFrame:
    """Numerator (passed) and denominator (all items) at every scope, from item counts.

    ``maturing``: items count only when mature; the others are ``pending``,
    and a group with no mature item is not ``measurable``.
    """
    sums = ["passed_mature", "mature", "items"]
    parts = []
    for scope, keys in ITEM_SCOPES.items():
        if keys:
            grouped = counts.groupby(keys, dropna=False, sort=True)[sums].sum().reset_index()
        else:
            grouped = pd.DataFrame({col: [int(counts[col].sum())] for col in sums})
        grouped = grouped.rename(columns={"passed_mature": "numerator", "mature": "denominator"})
        grouped["pending"] = grouped["items"] - grouped["denominator"]
        if maturing:
            grouped["measurable"] = grouped["denominator"] > 0
        parts.append(grouped.drop(columns=["items"]).assign(scope=scope))
    return pd.concat(parts, ignore_index=True)


def first_response_items(data: KpiData) -> ItemCounts:
    """One item per lead at least 4 h old: passed when answered within 4 h (from the one scan of the leads)."""
    return lead_items(data, "old", "in_time")


def a_lead_items(data: KpiData, maturity: timedelta = timedelta(days=DEFAULT_MATURITY_DAYS)) -> ItemQuery:
    """One item per A lead (the stored grade, else the default rule for a complete scorecard): passed when
    converted by ``as_of``; ``mature`` when at least ``maturity`` old."""
    return ItemQuery(q.A_LEAD_ITEM_SQL, {"mature_by": data.cutoff(maturity / timedelta(hours=1)), "yes": True},
                     mature=True)


ITEM_SOURCES: dict[str, Callable[[KpiData], ItemQuery | ItemCounts]] = {
    FIRST_RESPONSE: first_response_items,
    A_LEAD_CONVERSION: a_lead_items,
}
