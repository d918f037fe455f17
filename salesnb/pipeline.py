"""The daily run: sync the sources → grade new leads → reconcile → run the checks → escalate → deliver notifications.

One function chains the engines in the order data flows (store → engines →
outbox → notifiers).  Sync comes first when ``[sync.*]`` sources are configured
(:mod:`salesnb.sync`): the checks see today's ERP and CRM rows; a stream
with bad rows or a failed read is reported (⚠ in the summary, its state
kept) without stopping the run, while a source that cannot be configured
stops it.  Reconciliation comes before the checks, so an invoice
paid by today's bank lines is never reported overdue today.  ``salesnb
daily``, ``salesnb demo`` and the ``daily_checks`` template call it; each
step is also available on its own.  A failing step stops the run and raises:
a scheduled run must fail visibly.

The first run on a database takes the baseline (:mod:`salesnb.checks.baseline`):
its checks alert only young breakpoints, managers get one backlog summary, and
the ladders of tasks older than the baseline's ``quiet_before`` are logged
without messages (then and in later runs: the backlog was reported once).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from .config import Settings, load_settings
from .i18n import register, t
from .memory import collector_paused
from .timeutil import parse_as_of

register({
    "zh-CN": {
        "pipeline.field.scorecard": "评分卡",
        "pipeline.field.version": "版本",
        "pipeline.field.graded": "评级",
        "pipeline.field.changed": "等级变化",
        "pipeline.field.promoted": "升为A级",
        "pipeline.field.incomplete": "评分卡未填完",
        "pipeline.field.considered": "处理流水",
        "pipeline.field.matched": "自动匹配",
        "pipeline.field.queued": "待确认",
        "pipeline.field.unmatched": "未匹配",
        "pipeline.field.candidates": "候选",
        "pipeline.field.invoices_paid": "收清发票",
        "pipeline.field.invoices_partly_paid": "部分收款发票",
        "pipeline.field.seconds": "秒",
        "pipeline.field.fired": "触发级别",
        "pipeline.field.already_fired": "已触发",
        "pipeline.field.todos": "待办",
        "pipeline.field.notifications": "通知",
        "pipeline.field.collapsed": "合并",
        "pipeline.field.quiet": "基线静默",
        "pipeline.field.todos_closed": "关闭待办",
        "pipeline.step.sync": "同步",
        "pipeline.step.grade": "评级",
        "pipeline.step.reconcile": "对账",
        "pipeline.step.checks": "检查",
        "pipeline.step.escalate": "升级",
        "pipeline.step.notify": "通知",
        "pipeline.seconds": "用时（秒）：{steps}",
    },
    "en": {
        "pipeline.field.scorecard": "scorecard",
        "pipeline.field.version": "version",
        "pipeline.field.graded": "graded",
        "pipeline.field.changed": "changed",
        "pipeline.field.promoted": "promoted",
        "pipeline.field.incomplete": "incomplete",
        "pipeline.field.considered": "considered",
        "pipeline.field.matched": "matched",
        "pipeline.field.queued": "queued",
        "pipeline.field.unmatched": "unmatched",
        "pipeline.field.candidates": "candidates",
        "pipeline.field.invoices_paid": "invoices_paid",
        "pipeline.field.invoices_partly_paid": "invoices_partly_paid",
        "pipeline.field.seconds": "seconds",
        "pipeline.field.fired": "fired",
        "pipeline.field.already_fired": "already_fired",
        "pipeline.field.todos": "todos",
        "pipeline.field.notifications": "notifications",
        "pipeline.field.collapsed": "collapsed",
        "pipeline.field.quiet": "quiet",
        "pipeline.field.todos_closed": "todos_closed",
        "pipeline.step.sync": "sync",
        "pipeline.step.grade": "grade",
        "pipeline.step.reconcile": "reconcile",
        "pipeline.step.checks": "checks",
        "pipeline.step.escalate": "escalate",
        "pipeline.step.notify": "notify",
        "pipeline.seconds": "seconds: {steps}",
    },
})

STEPS = ("sync", "grade", "reconcile", "checks", "escalate", "notify")


@dataclass
class DailyRun:
    """What the daily run did, step by step (each step's own report object)."""

    as_of: datetime
    reports: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def data_problems(self) -> list[str]:
        """What the checks could not see: inputs empty for a whole table (:mod:`salesnb.checks.blind`)."""
        checks = self.reports.get("checks")
        problems = getattr(checks, "data_problems", None)
        return list(problems()) if callable(problems) else []

    def summary(self, language: str | None = None) -> list[str]:
        """The run in words: findings per check (open / new / resolved), each other step, data problems."""
        from .checks import messages  # noqa: F401  (registers the texts)
        from .i18n import t

        lines = []
        checks = self.reports.get("checks")
        if checks is not None:
            lines.append(t("pipeline.findings", language))
            for name, result in checks.checks.items():
                extra = ""
                if result.breakdown:
                    prefix = "L" if result.breakdown[0] == "levels" else ""
                    extra = "  " + ", ".join(f"{prefix}{k}: {v}" for k, v in result.breakdown[1].items())
                flag = "  ⚠" if result.blind else ""
                lines.append(f"  {name:<26} {result.count:>7} / {result.new:>6} / {result.resolved:>6}{extra}{flag}")
            if checks.baseline_id is not None:
                lines.append(t("pipeline.baseline", language, id=checks.baseline_id, backlog=checks.backlog,
                               summaries=checks.backlog_summaries))
        for name in ("sync", "grade", "reconcile", "escalate", "notify"):
            report = self.reports.get(name)
            if report is not None:
                text = _summary_of(report, language)
                lines.append(f"{_label('pipeline.step.' + name, name, language):<10} {text or _short(report, language)}")
                lines += [f"⚠ {warning}" for warning in getattr(report, "warnings", None) or []]
        problems = self.data_problems()
        if problems:
            lines.append(t("check.data_problems", language))
            lines += [f"  - {p}" for p in problems]
        lines.append(t("pipeline.seconds", language, steps=", ".join(
            f"{_label('pipeline.step.' + k, k, language)} {v:.2f}" for k, v in self.seconds.items())))
        return lines

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"as_of": self.as_of.isoformat(), "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}
        for name, report in self.reports.items():
            to_dict = getattr(report, "to_dict", None)
            out[name] = to_dict() if callable(to_dict) else _plain(report)
        out["data_problems"] = self.data_problems()
        return out


def _summary_of(report: Any, language: str | None) -> str | None:
    """A step report's own one-line summary (in ``language`` where it takes one), else None."""
    summary = getattr(report, "summary", None)
    if not callable(summary):
        return None
    takes_language = "language" in inspect.signature(summary).parameters
    return summary(language) if takes_language else summary()  # else it speaks the current language


def _label(key: str, default: str, language: str | None) -> str:
    """The text of ``key`` in ``language``, or ``default`` when no catalogue has it."""
    text = t(key, language)
    return default if text == key else text


def _short(report: Any, language: str | None = None) -> str:
    """A step's counters, each named in ``language`` (its field name when no text is registered)."""
    data = report.to_dict() if callable(getattr(report, "to_dict", None)) else _plain(report)
    keep = {k: v for k, v in (data or {}).items() if isinstance(v, (int, float, str)) and k != "as_of"} \
        if isinstance(data, dict) else {}
    return ", ".join(f"{_label('pipeline.field.' + k, k, language)} {f'{v:.2f}' if isinstance(v, float) else v}"
                     for k, v in keep.items()) or str(report)


def _plain(report: Any) -> Any:
    if hasattr(report, "__dataclass_fields__"):
        return {k: _plain(getattr(report, k)) for k in report.__dataclass_fields__ if not k.startswith("_")}
    if isinstance(report, dict):
        return {str(k): _plain(v) for k, v in report.items()}
    if isinstance(report, (list, tuple)):
        return [_plain(v) for v in report]
    if isinstance(report, (str, int, float, bool)) or report is None:
        return report
    return str(report)


def _sync(engine: Engine, as_of: datetime, settings: Settings):
    from .sync import run_sync
    from .sync.sources import configured

    if not configured(settings):
        return None  # no sources: nothing to read
    return run_sync(engine, settings=settings)


def _grade(engine: Engine, as_of: datetime, settings: Settings):
    from .scorecards import grade_leads

    return grade_leads(engine, as_of=as_of, language=settings.language)


def _checks(engine: Engine, as_of: datetime, settings: Settings, baseline: str = "first"):
    from .checks import run_checks

    return run_checks(engine, as_of, settings=settings, baseline=baseline)


def _escalate(engine: Engine, as_of: datetime, settings: Settings):
    from .checks.baseline import latest_baseline
    from .db import session_scope
    from .sla import escalate

    with session_scope(engine) as session:  # a baseline's backlog tasks escalate quietly
        baseline = latest_baseline(session)
        quiet_before = baseline.quiet_before if baseline is not None else None
    return escalate(engine, as_of, language=settings.language, quiet_before=quiet_before)


def _reconcile(engine: Engine, as_of: datetime, settings: Settings):
    from .receivables import reconcile

    return reconcile(engine, as_of)


def _notify(engine: Engine, as_of: datetime, settings: Settings):
    from .notify.flush import flush

    return flush(engine, settings)


_RUNNERS: dict[str, Callable[..., Any]] = {
    "sync": _sync, "grade": _grade, "reconcile": _reconcile, "checks": _checks, "escalate": _escalate,
    "notify": _notify,
}


def daily_run(engine: Engine, as_of: datetime | str | None = None, *, settings: Settings | None = None,
              steps: Sequence[str] = STEPS, progress: Callable[[str], None] | None = None,
              baseline: str = "first") -> DailyRun:
    """Run the daily steps in order as of ``as_of`` (default now) and return their reports.

    Parameters
    ----------
    engine : a migrated database.
    as_of : the time the run represents (checks, SLA deadlines, reconciliation window).
    steps : a subset of :data:`STEPS`, run in the canonical order.
    progress : called with each step's name before it starts.
    baseline : whether the checks step takes a baseline: ``"first"`` (when none exists), ``"always"``
        (``salesnb baseline``) or ``"never"``; see :func:`salesnb.checks.run_checks`.
    """
    unknown = [s for s in steps if s not in _RUNNERS]
    if unknown:
        raise ValueError(f"unknown step(s) {unknown}; known: {', '.join(STEPS)}")
    settings = settings or load_settings()
    run = DailyRun(as_of=parse_as_of(as_of))
    for name in STEPS:
        if name not in steps:
            continue
        if progress:
            progress(name)
        started = time.perf_counter()
        options = {"baseline": baseline} if name == "checks" else {}
        with collector_paused():  # a step builds objects by the hundred thousand and frees them by refcount
            run.reports[name] = _RUNNERS[name](engine, run.as_of, settings, **options)
        run.seconds[name] = time.perf_counter() - started
    return run
