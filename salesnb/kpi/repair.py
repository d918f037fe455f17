"""The breakpoint repair rate (流程断点修复率) as the seed defines it: against the baseline.

    repair rate = (breakpoints at the baseline − those of them still open) / breakpoints at the baseline

*Breakpoints at the baseline* are the findings open right after the newest
baseline taken by ``as_of`` (:mod:`salesnb.checks.baseline`): first seen by
its ``taken_at`` and not resolved by then.  The rate is reported overall
(as of ``as_of``), per region, rep and stage of the seven (each finding's own
region, else its owner's), and as a weekly trend: for each ISO week from the
baseline's on, the share repaired by the end of that week (by ``as_of`` for
the running week).

Before a baseline exists, and until it is ``grace`` old (``[kpi]
repair_grace_days``, default 7: right after the baseline nothing can have
been repaired yet), the rate is *not yet measurable* — ``measurable`` False
and no rate — never 0 %.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from .audit_process import entity_types, finding_stage
from .data import KpiData
from .frames import week_of, week_start

DEFAULT_GRACE_DAYS = 7.0

BASELINE_SQL = """
SELECT id, taken_at FROM baselines WHERE taken_at <= :as_of ORDER BY taken_at DESC, id DESC LIMIT 1
"""
BASELINE_FINDINGS_SQL = """
SELECT f.id, f.check_name, f.entity_type, f.owner_id, COALESCE(NULLIF(f.region, ''), u.region) AS region,
       f.details, f.resolved_at
FROM findings f LEFT JOIN users u ON u.user_id = f.owner_id
WHERE f.first_seen <= :taken_at AND (f.resolved_at IS NULL OR f.resolved_at > :taken_at)
"""

# scope → the finding columns it groups by (the week scopes add the week)
GROUPS: dict[str, list[str]] = {
    "overall": [], "region": ["region"], "rep": ["owner_id"], "stage": ["stage"],
    "week": [], "week_region": ["region"], "week_rep": ["owner_id"],
}


def baseline_findings(data: KpiData) -> tuple[pd.Timestamp | None, pd.DataFrame]:
    """The newest baseline's time (None without one) and its findings with their stage."""
    baseline = data.query(BASELINE_SQL, ("taken_at",))
    if baseline.empty:
        return None, pd.DataFrame(columns=["region", "owner_id", "stage", "resolved_at"])
    taken_at = baseline["taken_at"].iloc[0]
    frame = data.query(BASELINE_FINDINGS_SQL, ("resolved_at",), scoped=True, taken_at=taken_at.to_pydatetime())
    types = entity_types(frame["entity_type"]) if len(frame) else frame["entity_type"]
    frame["stage"] = [finding_stage(c, e, d)[0] for c, e, d in zip(frame["check_name"], types, frame["details"],
                                                                     strict=True)]
    return taken_at, frame


def repair_rates(data: KpiData, grace: timedelta = timedelta(days=DEFAULT_GRACE_DAYS)) -> pd.DataFrame:
    """Numerator (repaired), denominator (at the baseline) and ``measurable`` at every scope."""
    as_of = data.as_of
    taken_at, frame = baseline_findings(data)
    if taken_at is None:
        return pd.DataFrame([{"scope": "overall", "numerator": 0, "denominator": 0, "measurable": False}])
    parts = []
    for scope, keys in GROUPS.items():
        if not scope.startswith("week"):
            parts.append(_counts(frame, keys, as_of).assign(scope=scope, measurable=as_of - taken_at >= grace))
            continue
        for week in _weeks(taken_at, as_of):
            end = min(week_start(week) + pd.Timedelta(days=7), as_of)
            parts.append(_counts(frame, keys, end).assign(scope=scope, week=week, measurable=end - taken_at >= grace))
    return pd.concat(parts, ignore_index=True)


def _counts(frame: pd.DataFrame, keys: list[str], at: pd.Timestamp) -> pd.DataFrame:
    repaired = frame["resolved_at"].notna() & (frame["resolved_at"] <= at)
    counted = frame.assign(repaired=repaired.to_numpy(bool))
    if keys:
        grouped = counted.groupby(keys, dropna=False)["repaired"].agg(["sum", "count"]).reset_index()
    else:
        grouped = pd.DataFrame({"sum": [int(repaired.sum())], "count": [len(frame)]})
    return grouped.rename(columns={"sum": "numerator", "count": "denominator"})


def _weeks(first: pd.Timestamp, last: pd.Timestamp) -> list[str]:
    start, end = week_start(week_of(first)), week_start(week_of(last))
    count = int(round((end - start) / timedelta(days=7))) + 1
    return [week_of(start + timedelta(days=7 * i)) for i in range(max(count, 0))]

