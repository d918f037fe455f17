"""What a policy would do to one task: the dated sequence of warning, deadline and ladder levels.

:func:`due_levels` is the engine's rule for which rungs fire at a given time;
:func:`timeline` lays the whole ladder out for the configurator widget and for
``salesnb sla timeline``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..i18n import t
from ..timeutil import to_local
from .calendar import Pause, year_has_holiday_data
from .policies import Level, Policy


@dataclass(frozen=True)
class Due:
    """One rung (level, repeat) that is due, and when it became due."""

    level: Level
    repeat_no: int
    due_at: datetime


def due_levels(policy: Policy, created_at: datetime, as_of: datetime, pauses: Sequence[Pause] = (),
               logged: Mapping[int, int] | None = None) -> list[Due]:
    """The rungs to fire for a task at ``as_of``, given ``logged`` {level: highest repeat_no already fired}.

    A level fires once when its offset has elapsed on the policy's clock
    (pauses excluded); a repeating level fires its latest due repeat (missed
    repeats collapse into one).  A level that was never fired while a later
    level already was is passed over: ladders do not run backwards; a warning
    that falls due together with a later level is dropped (too late to warn).
    """
    logged = logged or {}
    clock = policy.clock
    elapsed = clock.elapsed(created_at, as_of, pauses)
    top_logged = max(logged, default=None)
    out: list[Due] = []
    for level in sorted(policy.levels, key=lambda lv: lv.level):
        start = policy.offset(level)
        if start > elapsed:
            break
        repeat_no = min(level.repeats, int((elapsed - start) / level.repeat_every)) if level.repeats else 0
        already = logged.get(level.level)
        if already is None and top_logged is not None and top_logged > level.level:
            continue
        if already is not None and already >= repeat_no:
            continue
        due_at = clock.add_paused(created_at, policy.offset(level, repeat_no), pauses)
        out.append(Due(level, repeat_no, due_at if due_at is not None else as_of))
    if any(not d.level.is_warning for d in out):  # too late to warn: the deadline has passed
        out = [d for d in out if not d.level.is_warning]
    return out


@dataclass(frozen=True)
class TimelineEvent:
    """One dated event of a policy applied to a task."""

    at: datetime | None  # None: never, because the clock is paused for good
    kind: str  # start | pause | resume | warning | deadline | escalation | repeat
    label: str
    level: int | None = None
    repeat_no: int = 0
    offset_hours: float | None = None  # clock time since the start
    notify: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    todo_for: str | None = None
    notices: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"at": None if self.at is None else self.at.isoformat(), "kind": self.kind, "label": self.label,
                "level": self.level, "repeat_no": self.repeat_no, "offset_hours": self.offset_hours,
                "notify": list(self.notify), "cc": list(self.cc), "todo_for": self.todo_for,
                "notices": list(self.notices)}


def timeline(policy: Policy, created_at: datetime, *, pauses: Sequence[Pause] = (),
             language: str | None = None) -> list[TimelineEvent]:
    """Every event ``policy`` schedules for a task started at ``created_at``, in time order.

    Includes the start, pauses, the warning, the deadline, each escalation
    level and each repeat.  ``notices`` says when a date relies on the plain
    weekly fallback because chinese_calendar has no data for that year.
    """
    created_at = to_local(created_at)
    clock = policy.clock

    def notices(at: datetime | None) -> tuple[str, ...]:
        if policy.calendar.mode != "working_hours" or not policy.calendar.chinese_holidays or at is None:
            return ()
        years = [y for y in range(created_at.year, at.year + 1) if not year_has_holiday_data(y)]
        return tuple(f"chinese_calendar has no holiday data for {y}; plain weekends assumed" for y in years)

    def hours(value: timedelta) -> float:
        return round(value.total_seconds() / 3600, 4)

    events = [TimelineEvent(created_at, "start", t("sla.event.start", language), offset_hours=0.0)]
    for start, end in pauses:
        events.append(TimelineEvent(start, "pause", t("sla.event.pause", language)))
        if end is not None:
            events.append(TimelineEvent(end, "resume", t("sla.event.resume", language)))
    deadline = clock.add_paused(created_at, policy.target, pauses)
    events.append(TimelineEvent(deadline, "deadline", t("sla.event.deadline", language),
                                offset_hours=hours(policy.target), notices=notices(deadline)))
    for level in sorted(policy.levels, key=lambda lv: lv.level):
        for repeat_no in range(level.repeats + 1):
            offset = policy.offset(level, repeat_no)
            at = clock.add_paused(created_at, offset, pauses)
            if level.is_warning:
                kind, label = "warning", t("sla.event.warning", language)
            elif repeat_no:
                kind, label = "repeat", t("sla.event.repeat", language, level=level.level, repeat=repeat_no)
            else:
                kind, label = "escalation", t("sla.event.escalation", language, level=level.level)
            events.append(TimelineEvent(at, kind, label, level.level, repeat_no, hours(offset), level.notify,
                                        level.cc, level.todo_for, notices(at)))
    order = {"start": 0, "pause": 1, "resume": 2, "warning": 3, "deadline": 4, "escalation": 5, "repeat": 6}
    far = datetime.max.replace(tzinfo=created_at.tzinfo)
    return sorted(events, key=lambda e: (e.at or far, order[e.kind], e.level or 0, e.repeat_no))
