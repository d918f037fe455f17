"""Working-time arithmetic: 24×7 clocks and working-hours clocks with Chinese holidays and 调休.

A clock maps a wall-clock instant to a *position* (seconds of working time
since a fixed origin).  Adding working time is then ``at(position(t) + d)``
and elapsed working time is a difference of positions.  For 24×7 the
position is the POSIX timestamp; for working hours it is a cumulative sum of
the working seconds of every day, kept in a table that grows on demand, so
both operations are a binary search and a few additions.

With ``chinese_holidays`` on, statutory holidays (e.g. 国庆 2026-10-01..07)
have no working hours and adjusted workdays (调休, e.g. Saturday 2026-10-10)
get the ``adjusted_workday_hours`` (default: Monday's hours).  The
``chinese_calendar`` package only knows the years the State Council has
published; for any other year the clock falls back to the plain weekly
hours (weekends off) and records a warning in :attr:`WorkingHoursClock.warnings`
and in the ``salesnb.sla`` log — unless the team entered that year's days in
the ``holidays`` table (:mod:`salesnb.sla.holidays`), which a clock uses
ahead of the library's table.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar

from ..errors import SalesnbError
from ..timeutil import local_tz, to_local
from .holidays import EMPTY, HolidayTable
from . import messages  # noqa: F401 - the keys of PolicyError

log = logging.getLogger("salesnb.sla")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MODES = ("24x7", "working_hours")
Window = tuple[time, time]
DEFAULT_DAY: tuple[Window, ...] = ((time(9), time(12)), (time(13, 30), time(18)))
DEFAULT_HOURS: tuple[tuple[Window, ...], ...] = (DEFAULT_DAY,) * 5 + ((), ())


class PolicyError(SalesnbError):
    """An SLA policy or calendar definition that cannot be used; the message names the field."""


@dataclass(frozen=True)
class CalendarSpec:
    """How a policy's clock runs: ``24x7`` or ``working_hours`` (per weekday, optional Chinese holidays)."""

    mode: str = "24x7"
    hours: tuple[tuple[Window, ...], ...] = DEFAULT_HOURS
    chinese_holidays: bool = True
    adjusted_workday_hours: tuple[Window, ...] | None = None
    timezone: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, where: str = "calendar") -> CalendarSpec:
        """Read ``{"mode": ..., "hours": {"mon": [["09:00", "12:00"], ...]}, ...}``; raise PolicyError."""
        data = dict(data or {})
        mode = data.get("mode", "24x7")
        if mode not in MODES:
            raise PolicyError("sla.calendar.mode", where=f"{where}.mode", modes=", ".join(MODES), value=repr(mode))
        hours_in = data.get("hours")
        if hours_in is None:
            hours = DEFAULT_HOURS
        elif isinstance(hours_in, dict):
            unknown = set(hours_in) - set(WEEKDAYS)
            if unknown:
                raise PolicyError("sla.calendar.weekdays", where=f"{where}.hours", days=", ".join(sorted(unknown)),
                                  known=", ".join(WEEKDAYS))
            hours = tuple(_windows(hours_in.get(day) or [], f"{where}.hours.{day}") for day in WEEKDAYS)
        else:
            raise PolicyError("sla.calendar.hours", where=f"{where}.hours")
        adjusted = data.get("adjusted_workday_hours")
        adjusted_w = None if adjusted is None else _windows(adjusted, f"{where}.adjusted_workday_hours")
        tz = data.get("timezone")
        if tz is not None:
            try:
                ZoneInfo(tz)
            except Exception as exc:  # noqa: BLE001 - any lookup failure is a bad zone name
                raise PolicyError("sla.calendar.timezone", where=f"{where}.timezone", value=repr(tz)) from exc
        spec = cls(mode=mode, hours=hours, chinese_holidays=bool(data.get("chinese_holidays", True)),
                   adjusted_workday_hours=adjusted_w, timezone=tz)
        if mode == "working_hours" and not any(spec.hours):
            raise PolicyError("sla.calendar.no_window", where=f"{where}.hours")
        return spec

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode}
        if self.mode == "working_hours":
            out["hours"] = {day: [[_hhmm(a), _hhmm(b)] for a, b in ws] for day, ws in zip(WEEKDAYS, self.hours)}
            out["chinese_holidays"] = self.chinese_holidays
            if self.adjusted_workday_hours is not None:
                out["adjusted_workday_hours"] = [[_hhmm(a), _hhmm(b)] for a, b in self.adjusted_workday_hours]
        if self.timezone:
            out["timezone"] = self.timezone
        return out


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _parse_time(text: Any, where: str) -> time:
    if isinstance(text, time):
        return text
    try:
        hh, mm = str(text).strip().split(":")
        if hh == "24" and mm == "00":
            return time.max
        return time(int(hh), int(mm))
    except (ValueError, TypeError) as exc:
        raise PolicyError("sla.calendar.time", where=where, value=repr(text)) from exc


def _windows(items: Iterable[Any], where: str) -> tuple[Window, ...]:
    out: list[Window] = []
    for i, item in enumerate(items):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise PolicyError("sla.calendar.window", where=f"{where}[{i}]", value=repr(item))
        start, end = _parse_time(item[0], f"{where}[{i}]"), _parse_time(item[1], f"{where}[{i}]")
        if end <= start:
            raise PolicyError("sla.calendar.end_before_start", where=f"{where}[{i}]", start=item[0], end=item[1])
        if out and start < out[-1][1]:
            raise PolicyError("sla.calendar.overlap", where=f"{where}[{i}]")
        out.append((start, end))
    return tuple(out)


def _length(start: time, end: time) -> timedelta:
    day = date(2000, 1, 3)
    stop = datetime.combine(day + timedelta(days=1), time(0)) if end == time.max else datetime.combine(day, end)
    return stop - datetime.combine(day, start)


class Clock:
    """24×7: every second counts."""

    mode = "24x7"

    def __init__(self) -> None:
        self.warnings: set[str] = set()

    def position(self, t: datetime) -> float:
        """Working seconds since the clock's origin at instant ``t``."""
        return to_local(t).timestamp()

    def at(self, position: float) -> datetime:
        """The earliest instant whose position is ``position``."""
        return datetime.fromtimestamp(position, local_tz())

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """``start`` plus ``duration`` of working time (never before ``start``)."""
        return to_local(start) + max(duration, timedelta(0))

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        return to_local(end) - to_local(start)

    def min_wall_time(self, duration: timedelta) -> timedelta:
        """A lower bound of the wall-clock time any interval needs to hold ``duration`` of working time."""
        return duration

    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Pause] = ()) -> timedelta:
        """Working time from ``start`` to ``end`` minus the working time inside ``pauses``."""
        total = self.between(start, end)
        for p_start, p_end in merge_pauses(pauses, start):
            lo, hi = max(p_start, start), min(p_end or end, end)
            if hi > lo:
                total -= self.between(lo, hi)
        return total

    def add_paused(self, start: datetime, duration: timedelta, pauses: Sequence[Pause] = ()) -> datetime | None:
        """``start`` plus ``duration`` of working time not inside ``pauses``; None while paused for good."""
        start = to_local(start)
        cur, remaining = start, duration
        for p_start, p_end in merge_pauses(pauses, start):
            candidate = self.add(cur, remaining)
            if candidate <= p_start:
                return candidate
            remaining -= self.between(cur, max(cur, p_start))
            if p_end is None:
                return None
            cur = max(cur, p_end)
        return self.add(cur, remaining)


Pause = tuple[datetime, "datetime | None"]


def merge_pauses(pauses: Sequence[Pause], start: datetime) -> list[Pause]:
    """Sort and merge overlapping pause intervals; drop those that end before ``start``."""
    if not pauses:
        return []
    merged: list[list[Any]] = []
    for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
        if p_end is not None and p_end <= start:
            continue
        if merged and (merged[-1][1] is None or p_start <= merged[-1][1]):
            if merged[-1][1] is not None:
                merged[-1][1] = None if p_end is None else max(merged[-1][1], p_end)
            continue
        merged.append([p_start, p_end])
    return [(a, b) for a, b in merged]


@dataclass
class _DayTable:
    base: date
    cum: list[float] = field(default_factory=list)  # clock position at the start of day base + i


class WorkingHoursClock(Clock):
    """Working hours per weekday, optionally with Chinese statutory holidays and adjusted workdays."""

    mode = "working_hours"

    def __init__(self, spec: CalendarSpec, holidays: HolidayTable = EMPTY) -> None:
        super().__init__()
        self.spec = spec
        self.holidays = holidays
        self.tz = ZoneInfo(spec.timezone) if spec.timezone else local_tz()
        self._adjusted = spec.adjusted_workday_hours
        if self._adjusted is None:
            self._adjusted = next((ws for ws in spec.hours if ws), DEFAULT_DAY)
        self._table: _DayTable | None = None
        self._day_cache: dict[date, tuple[tuple[float, float], ...]] = {}

    # ------------------------------------------------------------ day rules
    def windows(self, day: date) -> tuple[Window, ...]:
        """The working windows of ``day`` after holidays and 调休."""
        weekly = self.spec.hours[day.weekday()]
        if not self.spec.chinese_holidays:
            return weekly
        stored = self.holidays.kind(day)  # the team's own table first
        if stored == "holiday":
            return ()
        if stored == "workday":
            return weekly or self._adjusted or ()
        try:
            is_off, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return weekly
        if is_off and name is not None:  # statutory holiday
            return ()
        if not is_off and not weekly and day.weekday() >= 5:  # 调休: a Saturday/Sunday that is a working day
            return self._adjusted or ()
        return weekly

    def is_workday(self, day: date) -> bool:
        return bool(self.windows(day))

    def _touch(self, day: date) -> None:
        """Warn (once per year) when an answer depends on a year chinese_calendar does not know."""
        if self.spec.chinese_holidays and not year_has_holiday_data(day.year) and day.year not in self.holidays.years():
            self._fallback(day.year)

    def _fallback(self, year: int) -> None:
        message = (f"chinese_calendar has no holiday data for {year}; "
                   f"using plain weekly working hours (weekends off) for that year")
        if message not in self.warnings:
            self.warnings.add(message)
            log.warning(message)

    def _day_seconds(self, day: date) -> tuple[tuple[float, float], ...]:
        """Windows of ``day`` as (start, end) POSIX timestamps."""
        cached = self._day_cache.get(day)
        if cached is None:
            cached = tuple(
                (datetime.combine(day, a, self.tz).timestamp(),
                 (datetime.combine(day + timedelta(days=1), time(0), self.tz) if b == time.max
                  else datetime.combine(day, b, self.tz)).timestamp())
                for a, b in self.windows(day)
            )
            self._day_cache[day] = cached
        return cached

    def _day_total(self, day: date) -> float:
        return sum(b - a for a, b in self._day_seconds(day))

    # ------------------------------------------------------------ the cumulative table
    def _ensure(self, first: date, last: date) -> _DayTable:
        """Grow the table (keeping existing positions) so it covers ``first``..``last``."""
        table = self._table
        if table is None:
            table = self._table = _DayTable(first, [0.0])
        if first < table.base:
            new_base = first - timedelta(days=31)
            acc, before = table.cum[0], []
            for i in range((table.base - new_base).days - 1, -1, -1):
                acc -= self._day_total(new_base + timedelta(days=i))
                before.append(acc)
            table.cum[:0] = reversed(before)
            table.base = new_base
        end = table.base + timedelta(days=len(table.cum) - 1)
        if last >= end:
            for i in range((last - end).days + 366):
                table.cum.append(table.cum[-1] + self._day_total(end + timedelta(days=i)))
        return table

    def add(self, start: datetime, duration: timedelta) -> datetime:
        start = to_local(start)
        return max(start, to_local(self.at(self.position(start) + duration.total_seconds())))

    def between(self, start: datetime, end: datetime) -> timedelta:
        return timedelta(seconds=self.position(end) - self.position(start))

    def min_wall_time(self, duration: timedelta) -> timedelta:
        # An interval of wall time C overlaps at most C / 23 h + 1 days (23 h: a DST day), each
        # holding at most the longest working day D, so duration ≤ (C / 23 h + 1) · D.
        longest = max(sum((_length(a, b) for a, b in windows), timedelta(0))
                      for windows in (*self.spec.hours, self._adjusted or ()))
        return max(duration, (duration / longest - 1) * timedelta(hours=23))

    def position(self, t: datetime) -> float:
        t = t.astimezone(self.tz)
        day = t.date()
        self._touch(day)
        table = self._ensure(day, day)
        pos = table.cum[(day - table.base).days]
        ts = t.timestamp()
        for a, b in self._day_seconds(day):
            if ts <= a:
                break
            pos += min(ts, b) - a
        return pos

    def at(self, position: float) -> datetime:
        table = self._table or self._ensure(date(2000, 1, 1), date(2000, 1, 1))
        while position > table.cum[-1]:
            last = table.base + timedelta(days=len(table.cum) - 1)
            table = self._ensure(table.base, last + timedelta(days=366))
        while position <= table.cum[0]:
            table = self._ensure(table.base - timedelta(days=366), table.base)
        i = bisect_left(table.cum, position) - 1  # last day starting strictly before ``position``
        day = table.base + timedelta(days=i)
        self._touch(day)
        remaining = position - table.cum[i]
        for a, b in self._day_seconds(day):
            if remaining <= b - a:
                return datetime.fromtimestamp(a + remaining, self.tz)
            remaining -= b - a
        raise AssertionError("working-time table is inconsistent")  # pragma: no cover


@lru_cache(maxsize=None)
def year_has_holiday_data(year: int) -> bool:
    """Whether chinese_calendar knows the holidays and adjusted workdays of ``year``."""
    try:
        chinese_calendar.get_holiday_detail(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def clock_for(spec: CalendarSpec, holidays: HolidayTable = EMPTY) -> Clock:
    """A (shared) clock for ``spec`` with the team's stored days ``holidays``."""
    return WorkingHoursClock(spec, holidays) if spec.mode == "working_hours" else Clock()
