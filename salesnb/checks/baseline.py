"""The baseline: what was already broken when salesnb started watching.

The first daily run on a database (or ``salesnb baseline``) takes it: the
check run records every finding as usual, but breakpoints that started
before ``quiet_before`` (the run's time minus ``[alerts] backlog_age_days``,
default 3) alert nobody one by one; each manager gets one summary of their
team's backlog instead (:mod:`salesnb.checks.backlog`), and the escalation
ladders of tasks that old are logged without messages (in later runs too).
Later runs alert only what is new.  A breakpoint whose start is unknown counts as backlog in
that run: nothing shows it is new.

The findings open right after the baseline are the denominator of the
breakpoint repair rate (:mod:`salesnb.kpi.repair`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import ConfigError
from ..i18n import register
from ..models import Baseline
from ..timeutil import now

DEFAULT_BACKLOG_AGE_DAYS = 3.0

register({
    "zh-CN": {"baseline.bad_age": "[alerts] backlog_age_days 应为不小于 0 的天数，实际为 {value!r}",
              "baseline.exists": "已有基线（{taken_at} 建立）；要重新建立基线请加 --force"},
    "en": {"baseline.bad_age": "[alerts] backlog_age_days must be a number of days ≥ 0, got {value!r}",
           "baseline.exists": "a baseline exists (taken {taken_at}); add --force to take a new one"},
})


@dataclass(frozen=True)
class AlertSettings:
    """``[alerts]`` in salesnb.toml."""

    backlog_age: timedelta = timedelta(days=DEFAULT_BACKLOG_AGE_DAYS)
    quiet_first_run: bool = True

    @classmethod
    def from_settings(cls, settings: Settings | None) -> AlertSettings:
        section: dict[str, Any] = settings.section("alerts") if settings is not None else {}
        value = section.get("backlog_age_days", DEFAULT_BACKLOG_AGE_DAYS)
        try:
            days = float(value)
        except (TypeError, ValueError):
            raise ConfigError("baseline.bad_age", value=value) from None
        if not days >= 0:
            raise ConfigError("baseline.bad_age", value=value)
        return cls(backlog_age=timedelta(days=days), quiet_first_run=bool(section.get("quiet_first_run", True)))


def latest_baseline(session: Session) -> Baseline | None:
    """The newest baseline (None before the first)."""
    return session.scalar(select(Baseline).order_by(Baseline.taken_at.desc(), Baseline.id.desc()).limit(1))


def baseline_at(session: Session, as_of: datetime) -> Baseline | None:
    """The baseline taken by the run as of ``as_of`` (a rerun of that run is quiet too), else None."""
    return session.scalar(select(Baseline).where(Baseline.taken_at == as_of).order_by(Baseline.id.desc()).limit(1))


def record_baseline(session: Session, as_of: datetime, backlog_age: timedelta, *, run_id: int | None = None,
                    actor: str = "system") -> Baseline:
    """Write a baseline taken as of ``as_of``; breakpoints older than ``backlog_age`` then are its backlog."""
    baseline = Baseline(taken_at=as_of, quiet_before=as_of - backlog_age, run_id=run_id, created_at=now(),
                        actor=actor, summary=None)
    session.add(baseline)
    session.flush()
    return baseline
