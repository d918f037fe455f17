"""Automatic notes that explain KPI anomalies, from rules an analyst can extend.

A rule is a function ``rule(context) -> iterable of AnomalyNote``; register
one with :func:`register_anomaly_rule` or from a plugin through the
``salesnb_anomaly_rules`` hook.  Notes carry a message key and parameters so
they render in zh-CN (default) or English.

Built-in rules (parameters in :class:`AnomalyContext.params`):

``kpi_below_threshold``  a health KPI of the week is under its threshold.
``kpi_week_drop``        a region's KPI fell ``drop_points`` (10) points or more
                         against the week before; names the rep with most misses.
``contract_check_gap``   a rep who ran contract checks in the last
                         ``lookback_days`` (30) has run none for ``gap_days`` (5).
``a_lead_red``           a region's A-lead conversion of the week is under the red line.

Comparisons need ``min_items`` (5) measured items on each side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from ..auth.visibility import Scope
from ..config import Settings
from ..i18n import t
from ..timeutil import to_local
from .data import KpiData
from .frames import week_of, week_start
from .kpis import (
    A_LEAD_CONVERSION, BREAKPOINT_REPAIR, COMPLIANCE, HEALTH_KPIS, KpiReport, compute_kpis, is_red,
)
from .messages import kpi_label, percent

DEFAULT_PARAMS: dict[str, Any] = {
    "drop_points": 10.0,
    "min_items": 5,
    "gap_days": 5,
    "lookback_days": 30,
}
WHAT = {COMPLIANCE: "items", BREAKPOINT_REPAIR: "findings"}  # default: leads


@dataclass(frozen=True)
class AnomalyNote:
    """One automatic note: which rule, how serious, the message key and its parameters."""

    rule: str
    key: str
    params: dict[str, Any]
    severity: str = "warning"
    kpi: str | None = None
    region: str | None = None
    owner_id: str | None = None

    def text(self, language: str | None = None) -> str:
        """The note in ``language`` (default: the current UI language)."""
        values = dict(self.params)
        if self.kpi:
            values["kpi"] = kpi_label(self.kpi, language)
        if "what" in values:
            values["what"] = t(f"kpi.what.{values['what']}", language)
        if values.get("region") is None and "region" in values:
            values["region"] = t("kpi.unknown_region", language)
        return t(self.key, language, **values)


@dataclass
class AnomalyContext:
    """What a rule may look at: the KPI report, the loaded data and the rule parameters."""

    report: KpiReport
    data: KpiData
    week: str
    params: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_PARAMS))

    @property
    def previous_week(self) -> str:
        return week_of(week_start(self.week) - pd.Timedelta(days=7))

    def rep_name(self, owner_id: str | None) -> str:
        return self.report.rep_names.get(owner_id or "", owner_id or "?")


AnomalyRule = Callable[[AnomalyContext], Iterable[AnomalyNote]]
ANOMALY_RULES: dict[str, AnomalyRule] = {}


def register_anomaly_rule(name: str) -> Callable[[AnomalyRule], AnomalyRule]:
    """Decorator: add a rule (``context -> notes``) under ``name`` (replacing one of that name)."""

    def decorate(fn: AnomalyRule) -> AnomalyRule:
        ANOMALY_RULES[name] = fn
        return fn

    return decorate


def all_rules() -> dict[str, AnomalyRule]:
    """Built-in and registered rules plus those plugins contribute."""
    from ..plugins import get_plugin_manager

    rules = dict(ANOMALY_RULES)
    for contributed in get_plugin_manager().hook.salesnb_anomaly_rules():
        rules.update(contributed or {})
    return rules


def anomaly_notes(
    engine: Engine,
    as_of: datetime,
    *,
    report: KpiReport | None = None,
    week: str | None = None,
    params: dict[str, Any] | None = None,
    rules: Iterable[str] | None = None,
    settings: Settings | None = None,
    scope: Scope | None = None,
) -> list[AnomalyNote]:
    """Run the anomaly rules for the ISO ``week`` (default: the week of ``as_of``).

    Parameters
    ----------
    report : a KPI report for the same ``as_of`` (computed when omitted).
    params : overrides of :data:`DEFAULT_PARAMS`.
    rules : names of the rules to run (default: all).
    settings : ``[kpi]`` options for the report computed when ``report`` is omitted.
    scope : only the records of the owners a person sees (default everything).
    """
    report = report or compute_kpis(engine, as_of, settings=settings, scope=scope)
    available = all_rules()
    chosen = list(rules) if rules is not None else list(available)
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise KeyError(f"unknown anomaly rule(s): {', '.join(unknown)}; known: {', '.join(sorted(available))}")
    notes: list[AnomalyNote] = []
    with engine.connect() as conn:
        context = AnomalyContext(report=report, data=KpiData(conn, as_of, scope), week=week or week_of(as_of),
                                 params={**DEFAULT_PARAMS, **(params or {})})
        for name in chosen:
            notes.extend(available[name](context))
    return notes


def notes_frame(notes: Iterable[AnomalyNote], language: str | None = None) -> pd.DataFrame:
    """The notes as a table (rule, severity, kpi, region, owner_id, note)."""
    rows = [{"rule": n.rule, "severity": n.severity, "kpi": n.kpi, "region": n.region,
             "owner_id": n.owner_id, "note": n.text(language)} for n in notes]
    return pd.DataFrame(rows, columns=["rule", "severity", "kpi", "region", "owner_id", "note"])


# ---------------------------------------------------------------- built-in rules


@register_anomaly_rule("kpi_below_threshold")
def below_threshold(ctx: AnomalyContext) -> Iterable[AnomalyNote]:
    for kpi in HEALTH_KPIS:
        rows = ctx.report.at("week", kpi)
        rows = rows[(rows["week"] == ctx.week) & (rows["denominator"] >= ctx.params["min_items"])]
        for row in rows.itertuples():
            if is_red(row.ok):
                yield AnomalyNote(
                    rule="kpi_below_threshold", key="kpi.note.below_threshold", kpi=kpi,
                    params={"week": row.week, "rate": percent(row.rate), "threshold": percent(row.threshold),
                            "numerator": int(row.numerator), "denominator": int(row.denominator)})


@register_anomaly_rule("kpi_week_drop")
def week_drop(ctx: AnomalyContext) -> Iterable[AnomalyNote]:
    rates = ctx.report.at("week_region")
    enough = rates["denominator"] >= ctx.params["min_items"]
    now_rows = rates[enough & (rates["week"] == ctx.week)]
    before_rows = rates[enough & (rates["week"] == ctx.previous_week)]
    merged = now_rows.merge(before_rows, on=["kpi", "region"], suffixes=("", "_before"))
    merged["points"] = (merged["rate_before"] - merged["rate"]) * 100
    for row in merged[merged["points"] >= ctx.params["drop_points"]].itertuples():
        params = {"region": row.region, "week": ctx.week, "points": f"{row.points:.0f}",
                  "before": percent(row.rate_before), "after": percent(row.rate)}
        culprit = _main_culprit(ctx, row.kpi, row.region)
        key = "kpi.note.drop_no_rep"
        if culprit is not None:
            owner, rep_misses, misses = culprit
            key = "kpi.note.drop"
            params.update(rep=ctx.rep_name(owner), rep_misses=rep_misses, misses=misses,
                          what=WHAT.get(row.kpi, "leads"))
        yield AnomalyNote(rule="kpi_week_drop", key=key, kpi=row.kpi, region=row.region,
                          owner_id=culprit[0] if culprit else None, params=params)


def _main_culprit(ctx: AnomalyContext, kpi: str, region: str | None) -> tuple[str, int, int] | None:
    """The rep with the most failed items of ``kpi`` in ``region`` this week."""
    counts = ctx.report.items.get(kpi)
    if counts is None or counts.empty:
        return None
    same_region = counts["region"].isna() if region is None or pd.isna(region) else counts["region"] == region
    week = counts[same_region & (counts["week"] == ctx.week)]
    failed = week["items"] - week["passed"]
    per_rep = failed.groupby(week["owner_id"]).sum()
    per_rep = per_rep[per_rep > 0].sort_values(ascending=False, kind="stable")
    if per_rep.empty:
        return None
    return str(per_rep.index[0]), int(per_rep.iloc[0]), int(failed.sum())


LAST_SUBMISSION_SQL = """
SELECT owner_id, MAX(submitted_at) AS last FROM contract_submissions
WHERE submitted_at <= :as_of AND submitted_at >= :since AND owner_id IS NOT NULL GROUP BY owner_id
"""


@register_anomaly_rule("contract_check_gap")
def contract_check_gap(ctx: AnomalyContext) -> Iterable[AnomalyNote]:
    as_of = ctx.data.as_of
    recent = ctx.data.query(LAST_SUBMISSION_SQL, ("last",), scoped=True,
                            since=(as_of - pd.Timedelta(days=ctx.params["lookback_days"])).to_pydatetime())
    if recent.empty:
        return
    last = recent.set_index("owner_id")["last"].sort_index()
    for owner, at in last[last < as_of - pd.Timedelta(days=ctx.params["gap_days"])].items():
        days = int((as_of - at) / pd.Timedelta(days=1))
        yield AnomalyNote(
            rule="contract_check_gap", key="kpi.note.contract_check_gap", owner_id=str(owner),
            region=ctx.data.rep_regions().get(owner),
            params={"rep": ctx.rep_name(str(owner)), "days": days,
                    "last": to_local(at.to_pydatetime()).strftime("%Y-%m-%d")})


@register_anomaly_rule("a_lead_red")
def a_lead_red(ctx: AnomalyContext) -> Iterable[AnomalyNote]:
    table = ctx.report.a_lead_conversion()
    rows = table[(table["week"] == ctx.week) & (table["denominator"] >= 1)]
    for row in rows.itertuples():
        if is_red(row.ok):
            yield AnomalyNote(
                rule="a_lead_red", key="kpi.note.a_lead_red", kpi=A_LEAD_CONVERSION, region=row.region,
                params={"region": row.region, "week": row.week, "rate": percent(row.rate),
                        "threshold": percent(row.threshold), "numerator": int(row.numerator),
                        "denominator": int(row.denominator)})
