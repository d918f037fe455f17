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

from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd

from .audit_process import entity_types, finding_stage
from .data import KpiData
from .frames import week_of, week_start

DEFAULT_GRACE_DAYS = 7.0

BASELINE_SQL = """
SELECT id, taken_at FROM baselines WHERE taken_at <= :as_of ORDER BY taken_at DESC, id DESC LIMIT 1
"""
# the baseline's findings counted per check, entity type, node/stage noted in details, owner and region;
# {repaired}: one "SUM(CASE WHEN f.resolved_at <= :end_N THEN 1 ELSE 0 END) AS repaired_N" per time asked
BASELINE_COUNTS_SQL = """
SELECT f.check_name, f.entity_type, {node} AS node, {stage} AS stage, f.owner_id,
       COALESCE(NULLIF(f.region, ''), u.region) AS region, COUNT(*) AS findings{repaired}
FROM findings f LEFT JOIN users u ON u.user_id = f.owner_id
WHERE f.first_seen <= :taken_at AND (f.resolved_at IS NULL OR f.resolved_at > :taken_at)
GROUP BY f.check_name, f.entity_type, {node}, {stage}, f.owner_id, COALESCE(NULLIF(f.region, ''), u.region)
"""

# scope → the finding columns it groups by (the week scopes add the week)
GROUPS: dict[str, list[str]] = {
    "overall": [], "region": ["region"], "rep": ["owner_id"], "stage": ["stage"],
    "week": [], "week_region": ["region"], "week_rep": ["owner_id"],
}


def _detail_sql(dialect: str, key: str) -> str:
    """A text member of a finding's JSON ``details`` (NULL when absent or not an object)."""
    if dialect == "postgresql":
        return f"(CASE WHEN json_typeof(f.details) = 'object' THEN f.details ->> '{key}' END)"
    return (f"(CASE WHEN json_valid(f.details) AND json_type(f.details) = 'object' "
            f"THEN CAST(json_extract(f.details, '$.{key}') AS TEXT) END)")


def baseline_counts(data: KpiData, taken_at: pd.Timestamp, ends: list[pd.Timestamp]) -> pd.DataFrame:
    """The findings of the baseline taken at ``taken_at`` counted per check, stage, owner and region:
    ``findings`` and ``repaired_N``, those resolved by ``ends[N]``."""
    dialect = data.conn.dialect.name
    repaired = "".join(f", SUM(CASE WHEN f.resolved_at <= :end_{n} THEN 1 ELSE 0 END) AS repaired_{n}"
                       for n in range(len(ends)))
    sql = BASELINE_COUNTS_SQL.format(node=_detail_sql(dialect, "node"), stage=_detail_sql(dialect, "stage"),
                                     repaired=repaired)
    frame = data.query(sql, scoped=True, taken_at=taken_at.to_pydatetime(),
                       **{f"end_{n}": end.to_pydatetime() for n, end in enumerate(ends)})
    types = entity_types(frame["entity_type"]) if len(frame) else frame["entity_type"]
    frame["stage"] = [finding_stage(c, e, {"node": n, "stage": s})[0]
                      for c, e, n, s in zip(frame["check_name"], types, frame["node"], frame["stage"], strict=True)]
    for col in ["findings", *(f"repaired_{n}" for n in range(len(ends)))]:
        frame[col] = pd.to_numeric(frame[col]).fillna(0).astype("int64")
    return frame


@dataclass
class RepairCounts:
    """The newest baseline (``taken_at`` None without one) and its findings counted per check, stage, owner
    and region (:func:`baseline_counts`), ``repaired_0`` by ``as_of`` and ``repaired_N`` by the end of
    ``weeks[N-1]``."""

    as_of: pd.Timestamp
    taken_at: pd.Timestamp | None = None
    weeks: list[str] = field(default_factory=list)
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["region", "owner_id", "stage",
                                                                              "findings", "repaired_0"]))

    def ends(self) -> list[pd.Timestamp]:
        """``as_of``, then each week's end (``as_of`` for the running week)."""
        return [self.as_of, *(min(week_start(week) + pd.Timedelta(days=7), self.as_of) for week in self.weeks)]


def repair_counts(data: KpiData) -> RepairCounts:
    """Count the newest baseline's findings and those repaired since (see :class:`RepairCounts`)."""
    baseline = data.query(BASELINE_SQL, ("taken_at",))
    if baseline.empty:
        return RepairCounts(as_of=data.as_of)
    taken_at = baseline["taken_at"].iloc[0]
    counts = RepairCounts(as_of=data.as_of, taken_at=taken_at, weeks=_weeks(taken_at, data.as_of))
    counts.frame = baseline_counts(data, taken_at, counts.ends())
    return counts


def repair_rates(counts: RepairCounts, grace: timedelta = timedelta(days=DEFAULT_GRACE_DAYS)) -> pd.DataFrame:
    """Numerator (repaired), denominator (at the baseline) and ``measurable`` at every scope."""
    if counts.taken_at is None:
        return pd.DataFrame([{"scope": "overall", "numerator": 0, "denominator": 0, "measurable": False}])
    ends, frame = counts.ends(), counts.frame
    parts = []
    for scope, keys in GROUPS.items():
        if not scope.startswith("week"):
            parts.append(_counts(frame, keys, "repaired_0").assign(
                scope=scope, measurable=counts.as_of - counts.taken_at >= grace))
            continue
        for n, week in enumerate(counts.weeks, start=1):
            parts.append(_counts(frame, keys, f"repaired_{n}").assign(
                scope=scope, week=week, measurable=ends[n] - counts.taken_at >= grace))
    return pd.concat(parts, ignore_index=True)


def _counts(frame: pd.DataFrame, keys: list[str], repaired: str) -> pd.DataFrame:
    if keys:
        grouped = frame.groupby(keys, dropna=False)[[repaired, "findings"]].sum().reset_index()
    else:
        grouped = pd.DataFrame({repaired: [int(frame[repaired].sum())], "findings": [int(frame["findings"].sum())]})
    return grouped.rename(columns={repaired: "numerator", "findings": "denominator"})


def _weeks(first: pd.Timestamp, last: pd.Timestamp) -> list[str]:
    start, end = week_start(week_of(first)), week_start(week_of(last))
    count = int(round((end - start) / timedelta(days=7))) + 1
    return [week_of(start + timedelta(days=7 * i)) for i in range(max(count, 0))]

